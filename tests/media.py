"""Real media for tests: synthetic videos made with ffmpeg, a local HTTP server, and ways to inspect outputs."""
from __future__ import annotations

import http.server
import os
import re
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

from clipper.ffmpeg import find_ffmpeg

BITS = 12  # frame numbers up to 4095 are drawn as 12 black/white blocks
BLOCK = 32
BITS_Y = 150  # the blocks' top, in the 640x360 source
SOURCE_SIZE = (640, 360)
FPS = 30


def make_video(path: Path, seconds: int, gop_seconds: int = 3, encoding: tuple[str, ...] = ()) -> Path:
    """A moving test picture whose frame number is drawn as bits, a 440 Hz tone, a GOP of several seconds.

    `encoding`: more ffmpeg options for the video, which win over the defaults (B-frames, another codec).
    """
    boxes = ",".join(
        f"drawbox=x={BLOCK * i}:y={BITS_Y}:w={BLOCK}:h={BLOCK}:color=white:t=fill:enable='eq(mod(floor(n/{2 ** i}),2),1)'"
        for i in range(BITS))
    graph = f"[0:v]drawbox=x=0:y={BITS_Y}:w={BLOCK * BITS}:h={BLOCK}:color=black:t=fill,{boxes}[v];[1:a]volume=-18dB[a]"
    subprocess.run([
        find_ffmpeg(), "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=s={SOURCE_SIZE[0]}x{SOURCE_SIZE[1]}:r={FPS}:d={seconds}",
        "-f", "lavfi", "-i", f"sine=f=440:d={seconds}:sample_rate=48000",
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-g", str(FPS * gop_seconds), "-keyint_min", str(FPS * gop_seconds),
        "-sc_threshold", "0", "-pix_fmt", "yuv420p", *encoding, "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", str(path),
    ], check=True)
    return path


def gray_frames(path: Path, count: int, size: tuple[int, int] = SOURCE_SIZE, start: float | None = None) -> list[bytes]:
    """The first `count` frames as they are stored (no frames repeated or dropped), grey, at `size`."""
    width, height = size
    seek = ["-ss", f"{start:.3f}"] if start is not None else []
    raw = subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", *seek, "-i", str(path), "-frames:v", str(count), "-fps_mode", "passthrough",
                          "-vf", f"scale={width}:{height},format=gray", "-f", "rawvideo", "-"], capture_output=True, check=True).stdout
    frame = width * height
    return [raw[i * frame:(i + 1) * frame] for i in range(len(raw) // frame)]


def frame_number(frame: bytes, width: int = SOURCE_SIZE[0], top: int = BITS_Y) -> int:
    """The number drawn into a 640x360 frame by make_video."""
    row = (top + BLOCK // 2) * width
    return sum(1 << i for i in range(BITS) if frame[row + BLOCK * i + BLOCK // 2] > 128)


def video_frame_count(path: Path) -> int:
    result = subprocess.run([find_ffmpeg(), "-nostdin", "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"],
                            capture_output=True, text=True, check=False)
    return int(re.findall(r"frame=\s*(\d+)", result.stderr)[-1])


def mp4_boxes(path: Path) -> list[str]:
    """Top-level MP4 box types, in file order, and every box type found inside moov (as moov/…)."""
    data = path.read_bytes()
    found: list[str] = []
    _walk(data, 0, len(data), "", found)
    return found


def _walk(data: bytes, start: int, end: int, prefix: str, found: list[str]) -> None:
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[at + 8:at + 16])[0], 16
        elif size == 0:
            size = end - at
        name = kind.decode("latin-1")
        found.append(prefix + name)
        if name in ("moov", "trak", "mdia", "minf", "stbl", "edts"):
            _walk(data, at + header, at + size, prefix + name + "/", found)
        at += size


def region_difference(a: bytes, b: bytes, width: int, box: tuple[int, int, int, int]) -> float:
    """Mean absolute difference of two grey frames inside box (x, y, w, h)."""
    x, y, w, h = box
    total = 0
    for row in range(y, y + h):
        start = row * width + x
        total += sum(abs(p - q) for p, q in zip(a[start:start + w], b[start:start + w]))
    return total / (w * h)


class MediaServer:
    """Serves a folder on 127.0.0.1 with HTTP Range support, throttled like a network, counting bytes sent.

    Deterministic counts: a test reads `sent` once every request under way has ended (a client that
    hangs up early leaves the server sending until it notices, bytes that must not land in the next
    test's count), and a small send buffer keeps the server from running far ahead of what the
    client reads, so how many bytes a range costs does not depend on how busy the machine is.
    """

    SEND_BUFFER = 65536

    def __init__(self, folder: Path, bytes_per_second: int = 40_000_000):
        self.folder, self.requests = folder, []
        self._sent, self._busy, self._settled, self._handling = 0, 0, threading.Condition(), threading.local()
        self.delay = 65536 / bytes_per_second
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def setup(self):  # noqa: ANN201
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, server.SEND_BUFFER)
                super().setup()

            def log_message(self, *args):  # noqa: ANN002 - quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's name
                server._handle(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def sent(self) -> int:
        if not getattr(self._handling, "on", False):  # a test reading: wait for the requests under way
            with self._settled:
                if not self._settled.wait_for(lambda: self._busy == 0, timeout=60):
                    raise TimeoutError("a request to the media server did not end in 60 s")
        return self._sent

    @sent.setter
    def sent(self, value: int) -> None:
        self._sent = value

    def _handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        with self._settled:
            self._busy += 1
        self._handling.on = True
        try:
            self._serve(handler)
        finally:
            with self._settled:
                self._busy -= 1
                self._settled.notify_all()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _serve(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        name = handler.path.lstrip("/").split("?")[0]
        misbehaving = {"endless.mp4": self._endless, "stall.mp4": self._stall, "loop.mp4": self._loop}
        if name in misbehaving:
            self.requests.append((name, handler.headers.get("Range")))
            misbehaving[name](handler)
            return
        path = self.folder / (name if "." in name else name + ".mp4")  # /video serves video.mp4, with no extension in the URL
        if not path.is_file():
            handler.send_error(404)
            return
        size = path.stat().st_size
        start, end = self._range(handler.headers.get("Range"), size)
        self.requests.append((name, handler.headers.get("Range")))
        handler.send_response(206 if handler.headers.get("Range") else 200)
        if handler.headers.get("Range"):
            handler.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        handler.send_header("Content-Type", "video/mp4")
        handler.send_header("Accept-Ranges", "bytes")
        handler.send_header("Content-Length", str(end - start + 1))
        handler.end_headers()
        self._send(handler, path, start, end)

    @staticmethod
    def _range(header: str | None, size: int) -> tuple[int, int]:
        match = re.match(r"bytes=(\d*)-(\d*)", header or "")
        if not match:
            return 0, size - 1
        start = int(match.group(1) or 0)
        end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
        return start, end

    def _send(self, handler: http.server.BaseHTTPRequestHandler, path: Path, start: int, end: int) -> None:
        with path.open("rb") as stream:
            stream.seek(start)
            left = end - start + 1
            try:
                while left > 0:
                    chunk = stream.read(min(65536, left))
                    if not chunk:
                        break
                    handler.wfile.write(chunk)
                    self.sent += len(chunk)
                    left -= len(chunk)
                    time.sleep(self.delay)
            except (BrokenPipeError, ConnectionResetError):
                pass


    ENDLESS_LIMIT = 400_000_000  # "endless": far more than any cap clipper sets for a short video

    def _endless(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        """A 200 answer with no length that goes on (to a bound, so a test can never hang)."""
        handler.send_response(200)
        handler.send_header("Content-Type", "video/mp4")
        handler.end_headers()
        chunk = b"\0" * 65536
        try:
            for _ in range(self.ENDLESS_LIMIT // len(chunk)):
                handler.wfile.write(chunk)
                self.sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _stall(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        """Answers the first-byte probe, then sends headers and a few bytes and goes silent (for 20 s at most)."""
        if handler.headers.get("Range") == "bytes=0-0":
            handler.send_response(206)
            handler.send_header("Content-Range", "bytes 0-0/100000000")
            handler.send_header("Content-Length", "1")
            handler.end_headers()
            handler.wfile.write(b"\0")
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "video/mp4")
        handler.send_header("Content-Length", "100000000")
        handler.end_headers()
        try:
            handler.wfile.write(b"\0" * 1000)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        time.sleep(20)

    @staticmethod
    def _loop(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "/loop.mp4")
        handler.send_header("Content-Length", "0")
        handler.end_headers()


_HELD_PORTS: list = []


def free_port() -> int:
    """A port nothing listens on (for the unreachable-server test): bound and held, never listening, so
    connections are refused and no other program can take it before the test connects."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD_PORTS.append(sock)
    return sock.getsockname()[1]


__all__ = ["MediaServer", "make_video", "gray_frames", "frame_number", "video_frame_count", "mp4_boxes", "region_difference", "free_port", "os"]


TILE_GAP = 16  # the dark band between the two people of make_two_tile_video


def make_two_tile_video(path: Path, seconds: int, left_moves: list[tuple[float, float]],
                        right_moves: list[tuple[float, float]]) -> Path:
    """Two people side by side, 640x360: a light tile left, a dark one right, a dark band between;
    each tile still but for its speaker's turns (`*_moves`), when a moving test picture (a face that
    talks) shows in its middle."""
    tile = (SOURCE_SIZE[0] - TILE_GAP) // 2

    def person(shade: str, moves: list[tuple[float, float]], index: int) -> str:
        when = "+".join(f"between(t,{start},{end})" for start, end in moves) or "0"
        return (f"color=c={shade}:s={tile}x{SOURCE_SIZE[1]}:r={FPS}:d={seconds}[b{index}];"
                f"testsrc2=s=96x96:r={FPS}:d={seconds}[f{index}];"
                f"[b{index}][f{index}]overlay=x=(W-w)/2:y=(H-h)/2:enable='{when}'[p{index}]")

    graph = (f"{person('0xC8C8C8', left_moves, 0)};{person('0x404040', right_moves, 1)};"
             f"color=c=0x101010:s={TILE_GAP}x{SOURCE_SIZE[1]}:r={FPS}:d={seconds}[gap];"
             "[p0][gap][p1]hstack=inputs=3,format=yuv420p[v]")
    subprocess.run([find_ffmpeg(), "-nostdin", "-v", "error", "-y", "-filter_complex", graph, "-map", "[v]",
                    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-g", str(FPS * 2), str(path)], check=True)
    return path
