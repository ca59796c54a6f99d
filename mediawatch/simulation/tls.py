"""HTTPS for the simulation and the tests: a local CA, certificates with chosen validity, a TLS server.

    ca = LocalCA(folder)                                   # writes ca.pem
    cert = ca.issue("site", not_after=now + timedelta(days=12))   # site.pem + site.key, for 127.0.0.1 and localhost
    with TlsServer(cert) as server:                        # a LocalServer speaking HTTPS
        server.url("/")                                    # -> "https://127.0.0.1:PORT/"

Clients trust ``ca.pem`` through ``[http] ca_file``. Certificates are made with the ``cryptography``
package. The TLS handshake itself follows the real clock (the TLS library's), so a certificate meant
to be valid must be valid now, whatever ``--now`` says.
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mediawatch import clock
from mediawatch.simulation.server import LocalServer


@dataclass(frozen=True)
class IssuedCert:
    cert_file: Path
    key_file: Path
    not_after: datetime


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mediawatch simulation")])


def _write_key(key, path: Path) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


class LocalCA:
    """A certificate authority for loopback: ``ca.pem`` is what clients trust."""

    def __init__(self, folder: Path, *, real_now: datetime | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        # certificates are judged by the TLS library against the real clock, not mediawatch's
        self.real_now = real_now or clock.wall()  # certificates are judged by the real clock, whatever --now says
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = _name("mediawatch simulation CA")
        self.cert = (x509.CertificateBuilder().subject_name(self.name).issuer_name(self.name)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(self.real_now - timedelta(days=800))
                     .not_valid_after(self.real_now + timedelta(days=3650))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                                  content_commitment=False, key_encipherment=False,
                                                  data_encipherment=False, key_agreement=False, encipher_only=False,
                                                  decipher_only=False), critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.ca_file = self.folder / "ca.pem"
        self.ca_file.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, stem: str, *, not_after: datetime, not_before: datetime | None = None,
              hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> IssuedCert:
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.IPAddress(ipaddress.ip_address(h)) if _is_ip(h) else x509.DNSName(h) for h in hosts]
        start = not_before or min(not_after - timedelta(days=90), self.real_now - timedelta(days=1))
        cert = (x509.CertificateBuilder().subject_name(_name(hosts[0])).issuer_name(self.name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(not_after)
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .sign(self.key, hashes.SHA256()))
        cert_file, key_file = self.folder / f"{stem}.pem", self.folder / f"{stem}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, key_file)
        return IssuedCert(cert_file, key_file, not_after)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class TlsServer(LocalServer):
    """``LocalServer`` over TLS. The handshake happens in the connection's own thread, so a client
    that refuses the certificate (expired) costs that connection only."""

    def __init__(self, cert: IssuedCert, host: str = "127.0.0.1", port: int = 0, **kwargs):
        super().__init__(host, port, **kwargs)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert.cert_file, cert.key_file)
        httpd = self._httpd
        plain_accept = httpd.get_request

        def get_request():
            sock, address = plain_accept()
            return context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

        httpd.get_request = get_request
        plain_error = httpd.handle_error

        def handle_error(request, client_address):
            import sys

            if isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError, TimeoutError)):
                return  # a client that refused our certificate
            plain_error(request, client_address)

        httpd.handle_error = handle_error

    def url(self, path: str = "/") -> str:
        return f"https://{self.host}:{self.port}{path}"

    @property
    def base(self) -> str:
        return f"https://{self.host}:{self.port}"
