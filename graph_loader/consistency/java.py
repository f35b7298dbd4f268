"""HermiT and Pellet, the Java reasoners that ship inside owlready2, run as bounded processes.

owlready2 carries both reasoners' jars; lamcoop runs them itself rather than through
``owlready2.sync_reasoner_*`` so that the Java executable comes from the settings (no
module-wide ``owlready2.JAVA_EXE`` to set), every run has a time limit (the process is
killed past it), and no world of owlready2 is loaded in this process.

HermiT answers consistency and the unsatisfiable classes (``-U``); Pellet's ``explain``
gives the axioms that make an ontology inconsistent, or a class unsatisfiable.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from graph_loader.vocab import OWL

#: What to install where Java is missing (scripts/system-deps.sh installs it).
INSTALL_HINT = "install a Java runtime (Debian: apt-get install -y default-jre-headless)"
#: Heap given to each Java run, in MiB (owlready2's own default).
JAVA_MEMORY_MB = 2000
_NOTHING = OWL.Nothing.value


class JavaMissing(Exception):
    """The Java executable of the settings cannot be run."""


class ReasonerTimeout(Exception):
    """A reasoner ran past its time limit and was stopped."""


class ReasonerFailed(Exception):
    """A reasoner stopped with an error (such as input it cannot read)."""


@dataclass(frozen=True)
class HermitAnswer:
    """HermiT's answer: consistent or not, and the unsatisfiable classes (consistent only)."""

    consistent: bool
    unsatisfiable: tuple[str, ...] = ()


def java_path(java: str) -> str:
    """The Java executable to run, found on the PATH or as a path; :class:`JavaMissing`
    naming what to install where there is none.

    >>> java_path("/nonexistent/java")
    Traceback (most recent call last):
    ...
    graph_loader.consistency.java.JavaMissing: no Java executable at '/nonexistent/java'
    """
    found = shutil.which(java)
    if found is None:
        raise JavaMissing(f"no Java executable at {java!r}")
    return found


def _jars(folder: str) -> str:
    """The class path of a reasoner owlready2 ships (found, not imported: importing it
    opens a world of its own)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ReasonerFailed("owlready2, which ships HermiT and Pellet, is not installed")
    here = Path(spec.origin).parent / folder
    return ":".join([str(here), *sorted(str(p) for p in here.glob("*.jar"))])


def _run(command: list[str], *, timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout if timeout > 0 else None,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ReasonerTimeout(f"{what} ran past {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise JavaMissing(f"cannot run Java ({command[0]}): {exc.strerror or exc}") from None


def hermit(path: Path, *, java: str, timeout: float) -> HermitAnswer:
    """Run HermiT on the N-Triples file ``path``: consistency and unsatisfiable classes."""
    command = [
        java_path(java),
        f"-Xmx{JAVA_MEMORY_MB}M",
        "-cp",
        _jars("hermit"),
        "org.semanticweb.HermiT.cli.CommandLine",
        "-U",
        "-N",
        "--ignoreUnsupportedDatatypes",
        path.resolve().as_uri(),
    ]
    done = _run(command, timeout=timeout, what="HermiT")
    if done.returncode != 0:
        if "InconsistentOntologyException" in done.stderr:
            return HermitAnswer(consistent=False)
        raise ReasonerFailed(f"HermiT could not reason over the data: {_java_error(done.stderr)}")
    classes = [line.strip() for line in done.stdout.splitlines() if line.startswith("\t")]
    return HermitAnswer(True, tuple(sorted(c for c in classes if c != _NOTHING)))


def pellet_explain(path: Path, *, java: str, timeout: float, unsatisfiable: str = "") -> str:
    """Pellet's explanation (its text) of why the file ``path`` is inconsistent, or of why
    the class ``unsatisfiable`` is."""
    command = [
        java_path(java),
        f"-Xmx{JAVA_MEMORY_MB}M",
        "-cp",
        _jars("pellet"),
        "pellet.Pellet",
        "explain",
        "--ignore-imports",
    ]
    if unsatisfiable:
        command += ["--unsat", unsatisfiable]
    done = _run([*command, str(path.resolve())], timeout=timeout, what="Pellet's explain")
    if done.returncode != 0:
        raise ReasonerFailed(f"Pellet could not explain: {_java_error(done.stderr)}")
    return done.stdout


_EXCEPTION = re.compile(r"^(?:Exception in thread \S+ )?([\w.$]+(?:Exception|Error)\b.*)$")


def _java_error(stderr: str) -> str:
    """The Java exception's first line (its class and message), not its stack trace."""
    for line in stderr.splitlines():
        found = _EXCEPTION.match(line.strip())
        if found:
            return found.group(1)[:500]
    return (stderr.strip().splitlines() or ["no message"])[-1][:500]
