"""A quiet console for `make demo`: one line per pipeline step as it ends (the per-table Great
Expectations steps only when they fail), then a summary that names every check that failed,
blocking or warning.

The Dagster job runs with the `progress` logger below instead of Dagster's console logger, and dbt's
per-node lines (which dagster-dbt writes to stdout) go to a log file. `make demo VERBOSE=1` keeps
Dagster's and dbt's own output.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

import dagster as dg
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata

PROGRESS_LOGGER = "progress"
GX_STEP_PREFIX = "gx__"


@dataclass
class CheckOutcome:
    asset: str
    name: str
    severity: str
    description: str = ""


@dataclass
class RunSummary:
    """What the run's events say, for the closing lines."""

    steps: int = 0
    gx_steps: int = 0
    failed_steps: list[str] = field(default_factory=list)
    checks_passed: int = 0
    failed_checks: list[CheckOutcome] = field(default_factory=list)

    @classmethod
    def from_events(cls, events) -> RunSummary:
        summary = cls()
        for event in events:
            if event.is_step_success:
                summary.steps += 1
                summary.gx_steps += (event.step_key or "").startswith(GX_STEP_PREFIX)
            elif event.is_step_failure:
                summary.failed_steps.append(event.step_key or "?")
            elif event.event_type_value == "ASSET_CHECK_EVALUATION":
                evaluation = event.event_specific_data
                if evaluation.passed:
                    summary.checks_passed += 1
                else:
                    summary.failed_checks.append(
                        CheckOutcome(
                            asset="/".join(evaluation.asset_key.path),
                            name=evaluation.check_name,
                            severity=evaluation.severity.value,
                            description=evaluation.description or "",
                        )
                    )
        return summary

    def lines(self) -> list[str]:
        warned = [c for c in self.failed_checks if c.severity == "WARN"]
        blocking = [c for c in self.failed_checks if c.severity != "WARN"]
        out = [
            f"    {self.steps} steps succeeded ({self.gx_steps} of them Great Expectations validations, one per "
            f"table), {len(self.failed_steps)} failed; "
            f"{self.checks_passed} checks passed, {len(blocking)} blocking and {len(warned)} warning checks failed"
        ]
        for label, checks in (("BLOCKING CHECK FAILED", blocking), ("warning check failed", warned)):
            out += [f"    {label}: {c.asset} {c.name}" for c in checks]
        return out


class _StepLines(logging.Handler):
    """Turns step events into one line each; errors are printed in full."""

    def __init__(self, stream: TextIO):
        super().__init__(level=logging.DEBUG)
        self.stream = stream
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if not has_log_record_metadata(record):
            return
        meta = get_log_record_metadata(record)
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        kind = event.event_type_value if event is not None else None
        if kind == "STEP_START":
            self.started[step] = time.perf_counter()
        elif kind == "STEP_SUCCESS" and step.startswith(GX_STEP_PREFIX):
            # One Great Expectations step per table: a success is summed up at the end, not listed.
            self.started.pop(step, None)
            return
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            took = time.perf_counter() - self.started.pop(step, time.perf_counter())
            mark = "ok" if kind == "STEP_SUCCESS" else "FAILED"
            self.stream.write(f"    {step:40s} {mark} ({took:.1f} s)\n")
            if kind == "STEP_FAILURE" and event.step_failure_data and event.step_failure_data.error:
                self.stream.write(f"      {event.step_failure_data.error.message.strip()}\n")
        elif kind is None and record.levelno >= logging.ERROR:
            self.stream.write(f"    ERROR in {step or 'run'}: {meta.get('orig_message', record.getMessage())}\n")
        else:
            return
        self.stream.flush()


@dg.logger(description="One line per step as it ends (make demo); Dagster's console logger has every event.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("arp.progress")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.handlers = [_StepLines(sys.__stdout__)]
    return logger


QUIET_RUN_CONFIG = {"loggers": {PROGRESS_LOGGER: {}}}
