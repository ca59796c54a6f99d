"""Rules: small plug-ins that read stored observations and return pass, fail (with evidence) or unknown."""
