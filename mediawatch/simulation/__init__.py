"""A local simulation of government websites, Weibo and WeChat on 127.0.0.1 (tests and the demo)."""
