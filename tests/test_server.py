"""``workbench app``: the command line, the landing page and a clean stop (no browser)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import interruptible, make_project

from workbench import server
from workbench.errors import InputError
from workbench.voila_kernels import V1

pytestmark = pytest.mark.slow


def test_the_room_needs_a_token(project):
    with pytest.raises(InputError, match="gi et passord med --token"):
        server.voila_command(project, host="0.0.0.0")
    command = server.voila_command(project, host="0.0.0.0", token="verksted", port=9000)
    assert "--Voila.ip=0.0.0.0" in command and "--Voila.token=verksted" in command
    assert "--port=9000" in command
    # the Host check is for a server on this machine; in the room the token guards it
    assert not any(c.startswith("--Voila.config_file_paths") for c in command)
    local = server.voila_command(project)
    assert f"--Voila.config_file_paths={server.config_folder(project)}" in local


def test_idle_kernels_are_culled(project):
    command = server.voila_command(project)
    assert f"--MappingKernelManager.cull_idle_timeout={server.IDLE_KERNEL_SECONDS}" in command


def test_the_template_has_no_outside_links_and_a_norwegian_landing_page(project):
    # an older workbench wrote the whole template into the cache, which comes first on the
    # path: what it left there must not hide the committed template
    stale = project.root / ".cache/voila/voila/templates" / server.TEMPLATE / "index.html.j2"
    stale.parent.mkdir(parents=True)
    stale.write_text("{% extends 'lab/index.html.j2' %}", encoding="utf-8")
    data = server.write_template(project)
    assert not stale.exists()
    folder = data / "voila" / "templates" / server.TEMPLATE
    committed = server.TEMPLATES / "voila" / "templates" / server.TEMPLATE
    assert sorted(p.name for p in committed.iterdir()) == [
        "404.html",
        "503.html",
        "conf.json",
        "index.html.j2",
        "page.html",
    ]
    for path in (committed / "page.html", folder / "tree-lab.html"):
        assert "cdn.jsdelivr" not in path.read_text(encoding="utf-8")
    landing = (folder / "tree-lab.html").read_text(encoding="utf-8")
    assert "<html lang='nb'>" in landing and "Kommuner som er satt opp" in landing
    assert "9999 Demokommune (fiktiv kommune, illustrative tall)" in landing


def running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(")")[1].split()[0] != "Z":
                    alive.add(pid)
        except OSError:
            continue
    return alive


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_workbench_app_stops_voila_and_every_kernel(tmp_path, stop):
    with app_server(tmp_path, app="") as (process, _, _page):
        family = server.descendants(process.pid)
        os.kill(process.pid, stop)
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while running(family) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert running(family) == set(), [_cmdline(p) for p in running(family)]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@contextlib.contextmanager
def app_server(tmp_path, *options: str, log=subprocess.DEVNULL, app: str = "calculator"):
    """`workbench app <app>` (all four apps for an empty ``app``) on a free port, up with
    its pre-heated kernel: the process, the port and the page's HTML (with the kernel id a
    page is served with); stopped afterwards if the test has not stopped it."""
    project = make_project(tmp_path / "p")
    port = server.free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "--project",
            str(project.root),
            "app",
            *([app] if app else []),
            "--port",
            str(port),
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
        preexec_fn=interruptible,  # Ctrl-C as in a terminal
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answer:
                    page = answer.read().decode("utf-8")
                if kernels_of(process):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Voilà did not start its kernel"
            time.sleep(0.5)
        yield process, port, page
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def kernels_of(process: subprocess.Popen) -> list[int]:
    return [p for p in server.descendants(process.pid) if "ipykernel" in _cmdline(p)]


KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_a_foreign_host_is_refused_and_sigkill_leaves_nothing_behind(tmp_path):
    """A page asked for under another name (the shape of a DNS-rebinding attack from a web
    page a participant visits) gets 403; the machine's own names get the page. Killing
    `workbench app` outright (SIGKILL, no chance to clean up) still stops Voilà and every
    kernel: Linux tells Voilà its parent died."""
    import http.client

    with app_server(tmp_path) as (process, port, page):
        # the page Voilà renders from the committed template links nothing outside, and
        # says in Norwegian that it is loading
        assert "cdn.jsdelivr" not in page and 'rel="stylesheet" href="http' not in page
        assert 'say("Laster appen …")' in page
        assert "jp-OutputArea" in page or "voila" in page.lower()

        def status(host: str) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/", headers={"Host": host})
            return connection.getresponse().status

        assert status("evil.example") == 403
        assert status(f"evil.example:{port}") == 403
        assert status(f"localhost:{port}") == 200 and status(f"127.0.0.1:{port}") == 200
        family = server.descendants(process.pid)
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 20
        while running(family) and time.monotonic() < deadline:
            time.sleep(0.3)
        left = running(family)
        for pid in left:  # leave the machine clean even when the test fails
            os.kill(pid, signal.SIGKILL)
        assert left == set(), [_cmdline(p) for p in left]


def test_an_app_address_that_does_not_exist_gets_a_norwegian_page(tmp_path):
    """All four apps (`workbench app` without a name): a mistyped app link is answered in
    Norwegian, in the template's frame, with a way back to the landing page."""
    import urllib.error

    with app_server(tmp_path, app="") as (_, port, _page):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/finnes-ikke.ipynb")
        page = missing.value.read().decode("utf-8")
    assert missing.value.code == 404
    assert "Fant ikke siden" in page and 'lang="nb"' in page and "forsiden" in page


def test_the_default_kernel_cap_follows_the_machines_memory(project):
    # half the memory in kernels of 200 MiB, between 4 and 40
    assert server.kernel_cap(24 << 30) == 40
    assert server.kernel_cap(4 << 30) == 10
    assert server.kernel_cap(1 << 30) == 4
    command = server.voila_command(project, max_kernels=7)
    assert "--CappedKernelManager.max_kernels=7" in command
    assert (
        "--VoilaConfiguration.multi_kernel_manager_class=workbench.voila_kernels.CappedKernelManager"
        in command
    )


def test_requests_over_the_kernel_cap_get_a_full_room_page_not_a_kernel(tmp_path):
    """Ten plain requests (no browser) with a cap of 3: the pre-heated kernels and one page
    fill it, the rest get «Rommet er fullt» (503) and no kernel."""
    import urllib.error

    with app_server(tmp_path, "--max-kernels", "3") as (process, port, _):
        codes, page = [], ""
        for _ in range(10):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as answer:
                    codes.append(answer.status)
            except urllib.error.HTTPError as refused:
                codes.append(refused.code)
                page = refused.read().decode("utf-8")
        assert len(kernels_of(process)) <= 3
        assert 503 in codes and codes[0] == 200
        assert "Rommet er fullt" in page and 'lang="nb"' in page


def test_warm_kernels_wait_for_the_next_viewers(tmp_path):
    """`--warm 2`: after a page took one, two kernels stand ready again for the next viewers
    (the page's own kernel and two more), and no more are started."""
    with app_server(tmp_path, "--warm", "2") as (process, _, _):
        deadline = time.monotonic() + 90
        while len(kernels_of(process)) < 3:
            assert time.monotonic() < deadline, f"{len(kernels_of(process))} kernels, not 3"
            time.sleep(0.5)
        time.sleep(server.REFILL_DELAY_SECONDS + 1)  # a refill beyond the setting would show
        assert len(kernels_of(process)) == 3


def websocket(port: int, page: str, **options):
    """A websocket to the kernel the page was served with."""
    from tornado.websocket import websocket_connect

    kernel = KERNEL_ID.search(page).group(0)
    url = f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels?session_id=t"
    return websocket_connect(url, **options)


def kernel_message(kind: str, content: dict, metadata: dict | None = None) -> bytes:
    """A shell message to a kernel in Jupyter's v1 websocket protocol, as a page sends it."""
    import json
    import uuid

    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "t", "session": "t"}
    message = {"header": {**header, "date": "", "version": "5.3"}, "parent_header": {}}
    message |= {"metadata": metadata or {}, "content": content}
    return serialize_msg_to_ws_v1(message, "shell", pack=lambda part: json.dumps(part).encode())


def rss_mib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) // 1024


def test_the_messages_that_froze_the_server_leave_it_answering(tmp_path):
    """Item by item what took the room down: the widget control's `request_states` on a
    socket without the v1 protocol (Voilà read the reply's binary frames as v1, built
    billions of offsets and grew 40 MB/s), the same on v1, and one 8-byte frame holding 2⁴⁰.
    Afterwards the server answers `GET /` within 2 s and Voilà's memory stays within
    200 MiB of where it was; the socket without v1 is closed with a protocol error."""
    import asyncio
    import json
    import uuid

    with app_server(tmp_path) as (process, port, page):
        (voila,) = [p for p in server.descendants(process.pid) if "bin/voila" in _cmdline(p)]
        deadline = time.monotonic() + 60
        while len(kernels_of(process)) < 2:  # the page's kernel and a pre-heated one
            assert time.monotonic() < deadline, "Voilà did not pre-heat a kernel"
            time.sleep(0.5)
        before = rss_mib(voila)
        comm = {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget.control"}
        opening = ("comm_open", {**comm, "data": {}}, {"version": "1.0.0"})
        asking = ("comm_msg", {"comm_id": comm["comm_id"], "data": {"method": "request_states"}})

        async def legacy() -> int | None:
            socket = await websocket(port, page)
            for kind, content, *metadata in (opening, asking):
                message = {"header": {"msg_id": uuid.uuid4().hex, "msg_type": kind}}
                message |= {"parent_header": {}, "metadata": (metadata or [{}])[0]}
                message |= {"content": content, "channel": "shell", "buffers": []}
                with contextlib.suppress(Exception):  # the server may have closed it
                    await socket.write_message(json.dumps(message))
            with contextlib.suppress(TimeoutError):  # a frozen server does not close it
                while await asyncio.wait_for(socket.read_message(), 10) is not None:
                    pass
            return socket.close_code

        async def v1() -> int:
            socket = await websocket(port, page, subprotocols=[V1])
            for message in (kernel_message(*opening), kernel_message(*asking)):
                await socket.write_message(message, binary=True)
            replies = 0
            end = time.monotonic() + 5
            while time.monotonic() < end:
                with contextlib.suppress(TimeoutError):
                    replies += await asyncio.wait_for(socket.read_message(), 0.5) is not None
            await socket.write_message((2**40).to_bytes(8, "little"), binary=True)
            await asyncio.sleep(1)
            socket.close()
            return replies

        closed_with = asyncio.run(legacy())
        time.sleep(3)  # the 40 MB/s growth showed within a second
        started = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
            assert answer.status == 200
        assert time.monotonic() - started < 2
        assert rss_mib(voila) - before < 200
        assert closed_with == 1002
        assert asyncio.run(v1()) > 0  # the page's own protocol still gets the widget states
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
            assert answer.status == 200


def test_the_kernels_stderr_never_reaches_a_page(tmp_path):
    """A `comm_open` for the widget control without a version makes the kernel write a
    traceback with the server's paths to stderr: the server keeps it (and says so in its
    log), and the page's websocket gets no stderr."""
    import asyncio
    import json
    import uuid

    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    received: list[tuple[dict, dict]] = []
    path = tmp_path / "voila.log"
    with path.open("w") as log, app_server(tmp_path, log=log) as (_, port, page):

        async def probe() -> None:
            socket = await websocket(port, page, subprotocols=[V1])
            content = {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget.control"}
            await socket.write_message(kernel_message("comm_open", content), binary=True)
            end = time.monotonic() + 5
            while time.monotonic() < end:
                try:
                    frame = await asyncio.wait_for(socket.read_message(), 0.5)
                except TimeoutError:
                    continue
                if frame is None:
                    break
                _, parts = deserialize_msg_from_ws_v1(frame)
                received.append((json.loads(parts[0]), json.loads(parts[3])))
            socket.close()

        asyncio.run(probe())
    assert received, "the kernel answered nothing"
    streams = [content for header, content in received if header["msg_type"] == "stream"]
    assert all(content.get("name") != "stderr" for content in streams), streams
    assert "Traceback" not in json.dumps(received)
    assert "stderr from its page" in path.read_text(encoding="utf-8")  # there was one to keep
