"""A minimal Language Server Protocol client over stdio, as an editor speaks
it: JSON-RPC messages framed by `Content-Length` headers. Every wait has a
timeout; requests the server sends us are answered (configuration from
`settings`, anything else with `null`).
"""

import json
import queue
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

TIMEOUT = 120.0


class LspError(RuntimeError):
    """The server died, answered with an error, or did not answer in time."""


def _read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    """One framed message, or None at end of stream."""
    length: int | None = None
    while True:
        header = stream.readline()
        if not header:
            return None
        if header in (b"\r\n", b"\n"):
            break
        name, _, value = header.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise LspError("message without Content-Length")
    body = stream.read(length)
    message: dict[str, Any] = json.loads(body)
    return message


class LspClient:
    def __init__(
        self,
        command: Sequence[str],
        cwd: Path,
        settings: Callable[[str], object] = lambda section: {},
    ) -> None:
        self._process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._settings = settings
        self._next_id = 0
        self._responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # ------------------------------------------------------------- protocol

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self._process.stdin
        assert stdin is not None
        with self._lock:
            stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            stdin.flush()

    def _read_loop(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        while (message := _read_message(stdout)) is not None:
            if "method" in message and "id" in message:
                self._answer(message)
            elif "id" in message:
                box = self._responses.get(int(message["id"]))
                if box is not None:
                    box.put(message)

    def _answer(self, request: dict[str, Any]) -> None:
        result: object = None
        if request["method"] == "workspace/configuration":
            items = request["params"]["items"]
            result = [self._settings(item.get("section", "")) for item in items]
        self._send({"id": request["id"], "result": result})

    def request(self, method: str, params: object, timeout: float = TIMEOUT) -> Any:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            self._responses[ident] = queue.Queue()
        self._send({"id": ident, "method": method, "params": params})
        try:
            response = self._responses[ident].get(timeout=timeout)
        except queue.Empty:
            raise LspError(f"{method}: no answer in {timeout:.0f}s") from None
        if "error" in response:
            raise LspError(f"{method}: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: object) -> None:
        self._send({"method": method, "params": params})

    # --------------------------------------------------------- editor steps

    def initialize(self, root: Path) -> dict[str, Any]:
        capabilities = {
            "textDocument": {
                "completion": {"completionItem": {"snippetSupport": False}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "synchronization": {"didSave": True},
            },
            "workspace": {"configuration": True, "workspaceFolders": True},
        }
        result: dict[str, Any] = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": capabilities,
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, path: Path) -> None:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": path.as_uri(),
                    "languageId": "python",
                    "version": 1,
                    "text": path.read_text(),
                }
            },
        )

    def completion_labels(self, path: Path, line: int, character: int) -> list[str]:
        result = self.request(
            "textDocument/completion",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        # A CompletionList ({"items": [...]}) or a bare list of items.
        items: list[Any] = (
            result if isinstance(result, list) else (result or {}).get("items", [])
        )
        return [str(item["label"]) for item in items]

    def hover_text(self, path: Path, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        if not result:
            return ""
        # MarkupContent, a MarkedString, or a list of MarkedStrings.
        contents: Any = result["contents"]
        parts: list[Any] = contents if isinstance(contents, list) else [contents]
        return "\n".join(p if isinstance(p, str) else str(p["value"]) for p in parts)

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=20)
            self.notify("exit", None)
            self._process.wait(timeout=20)
        except (LspError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait(timeout=20)
