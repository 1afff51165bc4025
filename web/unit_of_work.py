"""The unit of work of a request: one decorator owns commit and rollback for every view.

STYLE 5 and DESIGN: services flush and raise domain errors; the boundary commits. Views
wrap themselves in ``@unit_of_work(...)`` instead of spelling out ``try / except
DomainError / rollback / commit`` each time:

- the view returns normally: the request's session is committed;
- a service raises ``DomainError``: the session is rolled back, a year the calendar did
  not know is remembered, and
  - with no ``on_error``, on a GET, or when ``passthrough`` says so, the error goes to the app's
    handler (``web/errors.py``): a structured JSON error under ``/api/``, the error page
    elsewhere;
  - otherwise its Chinese message is flashed and ``on_error(err, **view_args)`` gives the
    page: typically the form again (``rerender``) or the page the clerk came from
    (``back_to``).

Views never call ``commit``/``rollback`` nor catch ``DomainError`` themselves
(``tests/test_architecture.py`` counts them).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any

from flask import flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from config.errors import DomainError
from web.db import db_session
from web.errors import public_message, remember_unknown_year

# Showing a page submits nothing: a refusal there is the error page, never a redirect.
READS = frozenset({"GET", "HEAD"})
OnError = Callable[..., ResponseReturnValue | None]
Passthrough = Callable[..., bool]


def unit_of_work(
    on_error: OnError | None = None,
    *,
    passthrough: Collection[int] | Passthrough = (403, 404),
    context: str | Callable[..., str] | None = None,
    flash_error: bool = True,
) -> Callable[[Callable[..., ResponseReturnValue]], Callable[..., ResponseReturnValue]]:
    """Commit the request's session when the view returns; on a domain error roll back
    and answer with ``on_error`` (after flashing the message), or let the app's error
    handler answer. ``passthrough``: statuses (or a predicate on the error and the view's
    arguments) that always go to the app's handler. By default 403 and 404: what is not
    the user's to see or do is the plain error page. A view whose service refuses a step
    with a 403 the clerk should read on the form passes ``passthrough=(404,)``.
    ``context`` (or a function of the view's arguments giving it) names the work in the
    calendar alert for an unknown year."""

    def decorate(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            sess = db_session()
            try:
                response = view(*args, **kwargs)
            except DomainError as err:
                sess.rollback()
                if on_error is None or request.method in READS or _passes(passthrough, err, kwargs):
                    raise  # the app's handler (it also remembers an unknown year)
                label = context(**kwargs) if callable(context) else context
                remember_unknown_year(err, label or request.path)
                if flash_error:
                    flash(public_message(err), "error")
                try:
                    answer = on_error(err, **kwargs)
                except Exception:
                    _unflash(flash_error)
                    raise
                if answer is None:
                    _unflash(flash_error)
                    raise
                return answer
            sess.commit()
            return response

        return wrapper

    return decorate


def _unflash(flashed: bool) -> None:
    """Take back the message flashed for an error that another page ends up showing."""
    if flashed and session.get("_flashes"):
        session["_flashes"].pop()
        session.modified = True


def _passes(passthrough: Collection[int] | Passthrough, err: DomainError, kwargs) -> bool:
    if callable(passthrough):
        return bool(passthrough(err, **kwargs))
    return err.status in passthrough


def back_to(endpoint: str, *names: str, code: int = 302, **fixed: Any) -> OnError:
    """``on_error`` that redirects to ``endpoint``, passing on the view arguments
    ``names`` (and ``fixed`` values): the page the clerk came from shows the message."""

    def answer(_err: DomainError, **kwargs: Any) -> ResponseReturnValue:
        values = {name: kwargs[name] for name in names} | fixed
        return redirect(url_for(endpoint, **values), code=code)

    return answer


def to_referrer(fallback: str, *names: str) -> OnError:
    """``on_error`` that goes back to the page the form was posted from (same site only),
    else to ``fallback``."""

    def answer(_err: DomainError, **kwargs: Any) -> ResponseReturnValue:
        back = request.referrer or ""
        if back.startswith(request.host_url):
            return redirect(back)
        return redirect(url_for(fallback, **{name: kwargs[name] for name in names}))

    return answer


def commit_now() -> None:
    """Close a unit of work before the request's own ends: for what must stay even when
    the rest of the request is refused (a counted attempt, an enrolment begun)."""
    db_session().commit()
