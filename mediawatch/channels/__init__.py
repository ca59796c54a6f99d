"""Channels that reach the owner units: mail (SMTP) and IM robots through Apprise.

    contacts   contacts.csv: each unit's e-mail addresses and IM robots (robots named in mediawatch.toml)
    robots     Apprise plugins speaking DingTalk's, WeCom's and Feishu's robot APIs (signature included)
    deliver    one message to one recipient on its channel; quiet hours
"""
