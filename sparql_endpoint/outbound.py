"""The one answer to a failed outbound call (a SERVICE or a LOAD).

Whatever went wrong on the way out (a closed port, a refused or reset connection, a name
that does not resolve, a timeout, an answer that is no SPARQL result, the network sandbox
refusing the socket), the caller gets the same words, so that no answer tells an open port
from a closed one, or a host that exists from one that does not.

>>> failed_outbound(ConnectionRefusedError(111, "Connection refused"), calls_out=False)
True
>>> failed_outbound(ValueError("not a number"), calls_out=False)
False
"""

from __future__ import annotations

import socket

from sparql_endpoint.refusals import N_

#: What a caller is told when a SERVICE or LOAD call failed, whatever the cause.
OUTBOUND_FAILURE = N_(
    "a SERVICE or LOAD call did not succeed (the server does not say why: every failed "
    "outbound call gets this same answer)"
)

#: The errors that only a call over the network raises.
_NETWORK_ERRORS = (ConnectionError, TimeoutError, PermissionError, socket.gaierror)


class OutboundFailure(ValueError):
    """A SERVICE or LOAD call failed; the message is :data:`OUTBOUND_FAILURE`."""

    def __init__(self) -> None:
        super().__init__(OUTBOUND_FAILURE)


def failed_outbound(exc: BaseException, *, calls_out: bool) -> bool:
    """Whether ``exc``, raised by running a query or an update, is to be answered with
    :data:`OUTBOUND_FAILURE`: any error of a text that calls out (``calls_out``: it names a
    SERVICE or a LOAD), and any network error of any other."""
    return calls_out or isinstance(exc, _NETWORK_ERRORS)
