"""Page reading: what a fetched page says, with no HTTP of its own.

- ``encoding.py``: bytes to text (the header's charset, the meta charset, detection);
- ``html.py``: text to an lxml tree (``parse_html``); ``page.py``: a fetch result's decoded text and tree,
  made once and released once read, and whether a fetched page can be read at all (``page_failure``);
- ``urls.py``: links resolved and normalized as browsers and the link checker read them;
- ``linkextract.py``: a page's links (``Link``, ``extract_links``); ``text.py``: its visible text;
- ``dates.py``, ``entries.py``: dates and the dated entries of a list page; ``wayin.py``: ways in
  (redirect pages, frames, challenges, lists written by script); ``pagereader.py``: a home or column
  page read the way a person would, following ways in through the fetch functions it is given.

The data's way is one direction: ``transport/`` (fetching) knows nothing of pages; ``pages/`` imports
only ``transport/`` and itself; the checkers import both (tests/test_layout.py keeps it so).
"""
