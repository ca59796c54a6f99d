"""The address guard's pure functions: WHATWG normalisation and the judgement of addresses."""

import socket

import pytest

from mediawatch.transport.guard import AddressNotAllowed, UnsafeURL, check_host, is_public_address, join, normalize


@pytest.mark.parametrize("raw, expected", [
    ("http://169.254.169.254\\@example.com/latest", "http://169.254.169.254/@example.com/latest"),
    ("HTTP://0x7f.1/", "http://127.0.0.1/"),
    ("http://2130706433/", "http://127.0.0.1/"),
    ("http://0177.0.0.1/", "http://127.0.0.1/"),
    ("http://%31%32%37.0.0.1/", "http://127.0.0.1/"),
    (" \thttp://www.Example.GOV.cn/a\nb \x00", "http://www.example.gov.cn/ab"),
    ("http://例子.中国/", "http://xn--fsqu00a.xn--fiqs8s/"),
    ("https://[::ffff:127.0.0.1]:8443/x", "https://[::ffff:7f00:1]:8443/x"),
    ("http:\\\\10.0.0.1\\admin", "http://10.0.0.1/admin"),
])
def test_normalize_reads_urls_as_browsers_do(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/", "http://",
                                 "http://a.b:99999/", "mailto:a@b.c", "x" * 9000, "not a url"])
def test_normalize_refuses_what_cannot_be_a_web_url(raw):
    with pytest.raises(UnsafeURL):
        normalize(raw)


def test_join_resolves_a_location_by_the_same_rules():
    assert join("http://site.gov.cn/a/b.html", "\\\\0x7f.1\\x") == "http://127.0.0.1/x"
    assert join("http://site.gov.cn/a/b.html", "c.html") == "http://site.gov.cn/a/c.html"


@pytest.mark.parametrize("ip", [
    "10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2002:7f00:1::1",
    "2002:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "::ffff:0:a9fe:a9fe", "not-an-ip",
])
def test_private_and_disguised_private_addresses_are_not_public(ip):
    assert not is_public_address(ip)


@pytest.mark.parametrize("ip", ["1.2.4.8", "114.114.114.114", "2400:3200::1", "::ffff:1.2.4.8",
                                "64:ff9b::102:408", "2002:102:408::1"])
def test_public_addresses_are_public(ip):
    assert is_public_address(ip)


def test_check_host_resolves_once_and_judges_every_address():
    with pytest.raises(AddressNotAllowed):
        check_host("localhost", 80, allow_private=False)
    with pytest.raises(AddressNotAllowed):
        check_host("127.0.0.2", 80, allow_private=False, allowed=["127.0.0.1/32"])
    assert check_host("127.0.0.1", 80, allow_private=False, allowed=["127.0.0.1/32"]) == ["127.0.0.1"]
    assert "127.0.0.1" in check_host("localhost", 80, allow_private=True)
    assert check_host("1.2.4.8", 80, allow_private=False) == ["1.2.4.8"]
    with pytest.raises(OSError):
        check_host("no-such-host.invalid", 80, allow_private=False)
    assert isinstance(AddressNotAllowed("x"), UnsafeURL) and issubclass(socket.gaierror, OSError)
