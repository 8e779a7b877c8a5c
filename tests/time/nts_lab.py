"""nts_lab.py: a loopback NTS test bed for `cctsa time query`: real chronyd NTS servers (Debian's
chrony, foreground, -x so it never touches the clock, local stratum 1, a throw-away certificate,
its own ports, pid file and dump dir in a temp dir; optionally under faketime), a UDP proxy that
delays, replays, tampers or corrupts cookies, and a tiny fake NTS-KE server for malformed
responses. Used by test_time_nts.py; never touches the host's clock or chrony service."""
import os
import select
import socket
import ssl
import subprocess
import threading
import time


def free_port():
    """A port free for both TCP and UDP on 127.0.0.1 (and 127.0.0.2)."""
    for _ in range(100):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u2.bind(("127.0.0.2", port))
            u2.close()
            return port
        except OSError:
            pass
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free port")


def make_cert(tmp, name, days_ago=None):
    """A self-signed CA certificate for localhost; days_ago: made by a clock that many days behind
    (valid for 2 days from then, so expired when days_ago > 2)."""
    key, crt = os.path.join(tmp, name + ".key"), os.path.join(tmp, name + ".crt")
    fake = ["faketime", "-f", "-%dd" % days_ago] if days_ago else []
    subprocess.run(fake + ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-keyout", key, "-out", crt],
                   check=True, capture_output=True)
    return key, crt


def wait_tcp(port, deadline=10.0):
    end = time.time() + deadline
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listening on port %d" % port)


class Chrony:
    """One chronyd NTS server. faketime: a libfaketime spec ("+5s", "+0 x1.001") or None."""

    def __init__(self, tmp, idx, key, crt, faketime=None, ntp_server=None):
        self.dir = os.path.join(tmp, "chrony%d" % idx)
        self.args = (key, crt, faketime, ntp_server)
        os.makedirs(os.path.join(self.dir, "nts"), exist_ok=True)
        for _ in range(3):  # another process may take a probed port before chronyd binds it
            self.ntp_port, self.ke_port = free_port(), free_port()
            if self.start(*self.args):
                return
        raise RuntimeError("chronyd did not start; see " + self.dir)

    def restart(self):
        """Start again (after stop) on the same ports."""
        if not self.start(*self.args):
            raise RuntimeError("chronyd did not restart; see " + self.dir)

    def start(self, key, crt, faketime, ntp_server):
        conf = os.path.join(self.dir, "chrony.conf")
        lines = ["bindaddress 127.0.0.1", "port %d" % self.ntp_port, "ntsport %d" % self.ke_port,
                 "ntsserverkey " + key, "ntsservercert " + crt, "ntsdumpdir " + os.path.join(self.dir, "nts"),
                 "ntsprocesses 0", "local stratum 1", "allow 127.0.0.0/8", "cmdport 0",
                 "pidfile " + os.path.join(self.dir, "chronyd.pid"), "driftfile " + os.path.join(self.dir, "drift")]
        if ntp_server:
            lines.append("ntsntpserver " + ntp_server)
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        cmd = ["chronyd", "-4", "-x", "-d", "-u", "root", "-f", conf]
        if faketime:
            cmd = ["faketime", "-f", faketime] + cmd
        logname = os.path.join(self.dir, "log")
        self.log = open(logname, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_tcp(self.ke_port)
        except RuntimeError:
            pass
        with open(logname) as f:
            bad = "Could not" in f.read()
        if self.proc.poll() is None and not bad:
            return True
        self.stop()
        return False

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class UdpProxy:
    """Listens on 127.0.0.2:port and forwards to 127.0.0.1:port. mode: delay (responses 300 ms
    late), replay (later requests get the first response), tamper (a response byte flipped),
    cookie (a byte of the request's cookie flipped)."""

    def __init__(self, port, mode):
        self.mode, self.target = mode, ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.2", port))
        self.first = None
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            r, _, _ = select.select([self.sock], [], [], 0.1)
            if not r:
                continue
            req, client = self.sock.recvfrom(2048)
            if self.mode == "replay" and self.first is not None:
                self.sock.sendto(self.first, client)
                continue
            if self.mode == "cookie":
                req = bytearray(req)
                req[48 + 36 + 10] ^= 0x01  # inside the cookie extension field after the UID
                req = bytes(req)
            up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            up.settimeout(2)
            up.sendto(req, self.target)
            try:
                resp = up.recv(2048)
            except OSError:
                continue
            finally:
                up.close()
            if self.first is None:
                self.first = resp
            if self.mode == "tamper":
                resp = bytearray(resp)
                resp[47] ^= 0x01  # transmit timestamp
                resp = bytes(resp)
            if self.mode == "delay":
                threading.Timer(0.3, self.sock.sendto, (resp, client)).start()
            else:
                self.sock.sendto(resp, client)

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


class FakeKe:
    """A TLS 1.3 ntske/1 server that answers every request with fixed bytes and closes."""

    def __init__(self, key, crt, answer, port=None):
        self.port = port or free_port()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.load_cert_chain(crt, key)
        ctx.set_alpn_protocols(["ntske/1"])
        self.ctx, self.answer = ctx, answer
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                with self.ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1024)
                    tls.sendall(self.answer)
            except (OSError, ssl.SSLError):
                pass

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()
