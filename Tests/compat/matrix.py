"""The conformance matrix: every test marked `@pytest.mark.matrix(client, case)` and run with
the `backend` fixture is one cell (client x case x backend). At the end of the run the cells
are printed as a table and saved as `.build/compat-matrix.md`.

A cell shows `pass` only when its test passed. A case that cannot apply to a backend calls
`not_applicable(reason)` and shows `n/a`; an expected failure shows `xfail`; both with the
reason in a footnote, so nothing that did not run can read as passed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from servers import REPO_ROOT

BACKENDS = ("mock", "llama")
MATRIX_FILE = REPO_ROOT / ".build" / "compat-matrix.md"
NOT_APPLICABLE = "n/a: "

# Row order of the table: clients in this order, cases in the order first seen.
CLIENTS = ("openai", "langchain-openai", "strands-agents", "openai-agents", "boto3 sagemaker-runtime", "sagemaker-core token", "curl")


def not_applicable(reason: str) -> None:
    """Ends the test as a cell that does not apply to this backend (never as passed)."""
    pytest.skip(NOT_APPLICABLE + reason)


@dataclass
class Cell:
    outcome: str  # pass, FAIL, xfail, XPASS, n/a, skip
    reason: str = ""


@dataclass
class Matrix:
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    case_order: dict[str, list[str]] = field(default_factory=dict)

    def record(self, client: str, case: str, backend: str, cell: Cell) -> None:
        cases = self.case_order.setdefault(client, [])
        if case not in cases:
            cases.append(case)
        self.cells[(client, case, backend)] = cell

    def markdown(self) -> str:
        notes: dict[str, int] = {}

        def show(cell: Cell | None) -> str:
            if cell is None:
                return ""
            if not cell.reason:
                return cell.outcome
            number = notes.setdefault(cell.reason, len(notes) + 1)
            return f"{cell.outcome} [{number}]"

        lines = ["| client | case | " + " | ".join(BACKENDS) + " |", "| --- | --- |" + " --- |" * len(BACKENDS)]
        clients = [c for c in CLIENTS if c in self.case_order] + [c for c in self.case_order if c not in CLIENTS]
        for client in clients:
            for case in self.case_order[client]:
                row = [show(self.cells.get((client, case, backend))) for backend in BACKENDS]
                lines.append(f"| {client} | {case} | " + " | ".join(row) + " |")
        counts: dict[str, int] = {}
        for cell in self.cells.values():
            counts[cell.outcome] = counts.get(cell.outcome, 0) + 1
        lines.append("")
        lines.append("Cells: " + ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items())))
        if notes:
            lines.append("")
            lines.extend(f"[{number}] {reason}" for reason, number in notes.items())
        return "\n".join(lines) + "\n"


MATRIX = Matrix()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "matrix(client, case): one row of the conformance matrix; the backend fixture gives the column")


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    marker = item.get_closest_marker("matrix")
    callspec = getattr(item, "callspec", None)
    if marker is None or callspec is None or "backend_name" not in callspec.params:
        return report
    # One outcome per test: the call phase, or setup when setup did not pass.
    if report.when == "call" or (report.when == "setup" and not report.passed):
        client, case = marker.args
        MATRIX.record(client, case, callspec.params["backend_name"], _cell(report))
    elif report.when == "teardown" and report.failed:
        client, case = marker.args
        MATRIX.record(client, case, callspec.params["backend_name"], Cell("FAIL", "teardown failed"))
    return report


def _cell(report: pytest.TestReport) -> Cell:
    if hasattr(report, "wasxfail"):
        return Cell("xfail", report.wasxfail) if report.skipped else Cell("XPASS", report.wasxfail)
    if report.passed:
        return Cell("pass")
    if report.failed:
        return Cell("FAIL")
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    if reason.startswith(NOT_APPLICABLE):
        return Cell("n/a", reason.removeprefix(NOT_APPLICABLE))
    return Cell("skip", reason)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not MATRIX.cells:
        return
    table = MATRIX.markdown()
    terminalreporter.section("compatibility matrix (client x case x backend)")
    for line in table.splitlines():
        terminalreporter.write_line(line)
    MATRIX_FILE.parent.mkdir(parents=True, exist_ok=True)
    MATRIX_FILE.write_text("# Compatibility matrix\n\n" + table)
    terminalreporter.write_line(f"saved as {MATRIX_FILE}")
