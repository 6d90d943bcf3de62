"""Fast documented routes: one table gives both the routes that answer and their OpenAPI.

The review's JSON API answers on plain Starlette routes (FastAPI's per-request machinery
would halve their throughput), yet is documented in ``/openapi.json`` like every FastAPI
route. A :class:`Route` declares a route once: its path, its handler, the types of its path
parameters (which both validate the request, as FastAPI would, and document it), its
response model and its error statuses. :func:`install` serves each route and adds the same
declarations to the app's OpenAPI document.

Adding a route is one entry in a module's table (see ``web/api.py``'s ``ROUTES``).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError

Handler = Callable[..., Awaitable[Response]]
"""``async def handler(request, **path_params) -> Response``; the parameters arrive
validated, with the types declared in :attr:`Route.params` (and the query string as
:attr:`Route.query` in ``query=`` when the route declares one)."""

M = TypeVar("M", bound=BaseModel)


def query_of(request: Request, model: type[M]) -> M:
    """The request's query string as ``model``, read as FastAPI reads a query model: a
    parameter given twice counts as its last value, names the model does not declare are
    ignored; a RequestValidationError (422) names each value that is wrong."""
    given = request.query_params
    values = {name: given[name] for name in model.model_fields if name in given}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        errors = [{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None


@dataclass(frozen=True)
class Route:
    path: str
    handler: Handler
    response_model: type[BaseModel]
    summary: str
    description: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Path parameter -> its type (``Annotated[str, fastapi.Path(...)]``)."""
    responses: Mapping[int | str, Any] = field(default_factory=dict)
    tags: Sequence[str] = ()
    methods: Sequence[str] = ("GET",)
    query: type[BaseModel] | None = None
    """The query string's parameters, as one model (documented field by field)."""

    @cached_property
    def _adapters(self) -> dict[str, TypeAdapter[Any]]:
        return {name: TypeAdapter(kind) for name, kind in self.params.items()}

    def validated(self, request: Request) -> dict[str, Any]:
        """The request's path parameters as declared; a RequestValidationError (422 in the
        API's shape) names each one that is wrong."""
        values, errors = {}, []
        for name, adapter in self._adapters.items():
            try:
                values[name] = adapter.validate_python(request.path_params[name])
            except ValidationError as exc:
                errors += [{**e, "loc": ("path", name, *e["loc"])} for e in exc.errors()]
        if errors:
            raise RequestValidationError(errors)
        if self.query is not None:
            values["query"] = query_of(request, self.query)
        return values

    async def answer(self, request: Request) -> Response:
        return await self.handler(request, **self.validated(request))

    def documented(self) -> APIRoute:
        """The route as FastAPI documents it (never served)."""

        def endpoint(**_params: Any) -> None:  # pragma: no cover - never called
            return None

        documented = dict(self.params)
        if self.query is not None:
            documented["query"] = Annotated[self.query, Query()]
        endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind)
                for name, kind in documented.items()
            ]
        )
        endpoint.__name__ = self.handler.__name__
        return APIRoute(
            self.path,
            endpoint,
            response_model=self.response_model,
            responses=dict(self.responses),
            summary=self.summary,
            description=self.description,
            tags=list(self.tags),
            methods=list(self.methods),
        )


def install(app: FastAPI, routes: Sequence[Route]) -> None:
    """Serve ``routes`` and add them to the app's OpenAPI document."""
    for route in routes:
        app.add_route(route.path, route.answer, list(route.methods), include_in_schema=False)
    documented = [route.documented() for route in routes]
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        """The app's document (FastAPI's, and that of every other table), with these routes."""
        if app.openapi_schema is None:
            schema = generate()
            extra = get_openapi(title=app.title, version=app.version, routes=documented)
            for path, operations in extra["paths"].items():  # before FastAPI's on one path
                schema["paths"][path] = {**operations, **schema["paths"].get(path, {})}
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(extra.get("components", {}).get("schemas", {}))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
