"""Django's HTTP handler for the ASGI server, with the sync work of a request done in one thread hop.

Django's own ASGIHandler, with this project's sync middleware and sync (DRF) views, hops between
the event loop and a thread for every middleware method (`MiddlewareMixin.__acall__` wraps each
`process_request`/`process_view`/`process_response` in `sync_to_async`), and it runs every request
in a brand-new thread (a fresh `ThreadSensitiveContext`), so thread-local database connections
are opened and dropped per request whatever CONN_MAX_AGE says. Measured (bench/overhead.py): an
authenticated GET through uvicorn cost 2-4x the same view in process.

`ServerHandler` keeps Django's request parsing, disconnect handling and (streaming) response
sending, but:
- loads the middleware chain in sync mode and runs the request_started signal, chain, view and
  (for a rendered body) close() in one `sync_to_async` call: one thread round trip per request
  instead of one per middleware method, which on a busy machine each wait for a CPU;
- runs each request's sync work on one thread taken from a fixed pool of long-lived threads
  (`ThreadSensitiveContext(executor=...)`, asgiref's API for this), so requests still run
  side by side (a slow export does not hold up the others) and each thread keeps its database
  connection between requests as CONN_MAX_AGE allows.
Nothing about what a request does changes: the same middleware, views, signals and responses.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix


class ServerHandler(ASGIHandler):
    def __init__(self, *, threads: int) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.threads = threads
        self._executors = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"http-{n}")
                           for n in range(threads)]
        self._idle: asyncio.LifoQueue[ThreadPoolExecutor] | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        if self._idle is None:  # created on the server's event loop, at its first request
            self._idle = asyncio.LifoQueue()  # the most recently used thread first: its connection is warm
            for executor in self._executors:
                self._idle.put_nowait(executor)
        executor = await self._idle.get()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self._idle.put_nowait(executor)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Django's ASGIHandler.handle with the request's sync work in one hop (`_respond`): the
        request_started signal, the middleware chain and view, and, for a response whose body is
        already rendered, close() (request_finished); a streamed one is closed after sending, as
        before. A client that disconnects still cancels the sending of a stream."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))

        async def process_request() -> tuple[HttpResponseBase, bool]:
            response, closed = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away while we sent
            return response, closed

        listener: asyncio.Task[None] = asyncio.create_task(self.listen_for_disconnect(receive))
        responder = asyncio.create_task(process_request())
        tasks: list[asyncio.Task[Any]] = [listener, responder]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        try:
            response, closed = responder.result()
        except asyncio.CancelledError:
            await signals.request_finished.asend(sender=self.__class__)
        else:
            if not closed:
                await sync_to_async(response.close, thread_sensitive=True)()
        body_file.close()

    def _respond(self, scope: dict[str, Any], body_file: Any) -> tuple[HttpResponseBase, bool]:
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        response: HttpResponseBase
        if request is None:
            assert error_response is not None  # create_request returns one or the other
            response = error_response
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]  # as Django's handler
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if response.streaming:
            return response, False
        response.close()  # the body is rendered: finish the request here (request_finished)
        return response, True
