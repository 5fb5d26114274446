"""A production stack on this machine, as README "Deploying" sets one up: the migrations, `setup
--no-demo` and the first admin through the shell commands, two gunicorn servers with the environment
of deploy/training-portal.env on one PostgreSQL and one Redis, and Debian's nginx in front of them
with deploy/nginx/training-portal.conf and a self-signed certificate.

nginx runs with a prefix and configuration of its own in a temporary folder, as the test's user (as
``nobody`` when the tests run as root).
"""

import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from ssl import create_default_context

ROOT = Path(__file__).resolve().parents[2]
SITE_TEMPLATE = ROOT / "deploy" / "nginx" / "training-portal.conf"
ENVIRONMENT_TEMPLATE = ROOT / "deploy" / "training-portal.env"
ADMIN_EMAIL = "admin@portal.example.org"
ADMIN_PASSWORD = "a first admin's long passphrase"
SECRET_KEY = "deploy-test-" + "5f3c9a7e1d" * 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def environment_file_values() -> dict:
    """The settings deploy/training-portal.env holds (its comments and empty values left out)."""
    values = {}
    for line in ENVIRONMENT_TEMPLATE.read_text().splitlines():
        key, _, value = line.partition("=")
        if line and not line.startswith("#") and value:
            values[key] = value
    return values


@dataclass
class Stack:
    url: str            # nginx in front of both app servers
    one: str            # the same nginx site, in front of the first app server only
    two: str            # ... and of the second
    http_url: str       # nginx's plain-HTTP port
    database_url: str
    app_logs: list[Path]


def production_environment(database_url: str, base_url: str) -> dict:
    env = dict(os.environ)
    env.pop("FLASK_APP", None)
    env.update(environment_file_values())
    env.update(SECRET_KEY=SECRET_KEY, DATABASE_URL=database_url, BASE_URL=base_url,
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    return env


def flask(env: dict, *args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def unit_command(unit: str) -> list[str]:
    """The ExecStart command of a unit in deploy/systemd, its continued lines joined."""
    text = (ROOT / "deploy" / "systemd" / unit).read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def start_gunicorn(env: dict, port: int, redis_prefix: str, log: Path) -> subprocess.Popen:
    """deploy/systemd/training-portal.service's gunicorn on ``port``, logging to ``log``, its rate-limit
    keys under a prefix of this run's."""
    values = {"--bind": f"127.0.0.1:{port}", "--access-logfile": str(log), "--error-logfile": str(log)}
    command = [sys.executable, "-m", "gunicorn"]
    arguments = iter(unit_command("training-portal.service")[1:])
    for argument in arguments:
        if argument in values:
            command += [argument, values[argument]]
            next(arguments)
        elif argument == "wsgi:app":
            command.append(f"training_portal:create_app({{'RATELIMIT_KEY_PREFIX': '{redis_prefix}'}})")
        else:
            command.append(argument)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_answering(url: str, process: subprocess.Popen, what: str, context=None) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} does not answer at {url}")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    return certificate, key


def site(name: str, https_port: int, http_port: int, app_ports: list[int], certificate: Path, key: Path) -> str:
    """deploy/nginx/training-portal.conf with this machine's ports, certificate and code folder."""
    text = SITE_TEMPLATE.read_text()
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in app_ports)
    replacements = {
        "    server 127.0.0.1:8000;\n": servers,
        "upstream training_portal": f"upstream {name}",
        "proxy_pass http://training_portal;": f"proxy_pass http://{name};",
        "map $arg_v $training_portal_static_cache": f"map $arg_v ${name}_static_cache",
        "add_header Cache-Control $training_portal_static_cache": f"add_header Cache-Control ${name}_static_cache",
        "shared:training_portal_tls": f"shared:{name}_tls",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/letsencrypt/live/portal.example.org/fullchain.pem": str(certificate),
        "/etc/letsencrypt/live/portal.example.org/privkey.pem": str(key),
        "/srv/training-portal/": f"{ROOT}/",
        "server_name portal.example.org;": "server_name 127.0.0.1;",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx/training-portal.conf no longer has {old!r}"
        text = text.replace(old, new)
    # IPv6 listeners would collide between the three copies of the site.
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line) + "\n"


def start_nginx(folder: Path, sites: list[str]) -> subprocess.Popen:
    as_root = os.geteuid() == 0
    for number, text in enumerate(sites):
        (folder / f"site-{number}.conf").write_text(text)
    temporary = "\n".join(f"  {kind}_temp_path {folder}/{kind}_temp;" for kind in ("client_body", "proxy", "fastcgi",
                                                                                   "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""
{"user nobody nogroup;" if as_root else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  server_tokens off;
  access_log {folder}/access.log;
{temporary}
  include {folder}/site-*.conf;
}}
""")
    command = [nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    if as_root:  # not as root: the whole server as nobody
        nobody = pwd.getpwnam("nobody")
        for path in [folder, *folder.iterdir()]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        command = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", *command]
    check = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def unverified_tls():
    """The test's own certificate is accepted, as a phone's user accepts it once."""
    context = create_default_context()
    context.check_hostname = False
    context.verify_mode = 0
    return context


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)  # gunicorn's and nginx's quick shutdown
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_stack(database_url: str):
    """A generator: yields the running Stack, stops its processes afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    folder.chmod(0o755)
    processes = []
    try:
        https, one, two, http = (free_port() for _ in range(4))
        app_ports = [free_port(), free_port()]
        prefix = f"deploytest-{uuid.uuid4().hex[:8]}"
        env = production_environment(database_url, f"https://127.0.0.1:{https}")
        flask(env, "db", "upgrade")
        flask(env, "setup", "--no-demo")
        flask(env, "create-user", ADMIN_EMAIL, "--role", "admin", stdin=ADMIN_PASSWORD + "\n")
        logs = [folder / f"app-{number}.log" for number in (1, 2)]
        for port, log in zip(app_ports, logs):
            processes.append(start_gunicorn(env, port, prefix, log))
        for port, process in zip(app_ports, processes):
            wait_until_answering(f"http://127.0.0.1:{port}/healthz", process, "gunicorn")
        certificate, key = self_signed_certificate(folder)
        sites = [site("portal_both", https, http, app_ports, certificate, key),
                 site("portal_one", one, free_port(), app_ports[:1], certificate, key),
                 site("portal_two", two, free_port(), app_ports[1:], certificate, key)]
        nginx = start_nginx(folder, sites)
        processes.append(nginx)
        for port in (https, one, two):
            wait_until_answering(f"https://127.0.0.1:{port}/healthz", nginx, "nginx", unverified_tls())
        yield Stack(f"https://127.0.0.1:{https}", f"https://127.0.0.1:{one}", f"https://127.0.0.1:{two}",
                    f"http://127.0.0.1:{http}", database_url, logs)
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(folder, ignore_errors=True)
