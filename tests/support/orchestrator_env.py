"""Environment for running an orchestrator example in a subprocess: no server outside this
machine, no telemetry, state in a temporary folder, and the worktree's package first."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli_process import environment


def prefect_environment(home: Path) -> dict[str, str]:
    """Prefect 3 with a temporary home and its own ephemeral API server (a subprocess on
    127.0.0.1 that the flow run starts and stops), quiet and without telemetry."""
    env = environment()
    for name in list(env):
        if name.startswith("PREFECT_"):
            del env[name]  # a developer's profile or API URL must not leak in
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_PROFILES_PATH=str(home / "profiles.toml"),
        PREFECT_SERVER_EPHEMERAL_ENABLED="true",
        # a fresh SQLite database is migrated first; slow on a busy 2-core machine
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="240",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        DO_NOT_TRACK="1",
    )
    return env


def airflow_environment(home: Path, dags: Path) -> dict[str, str]:
    """Airflow with a temporary home (SQLite metadata database, created by the driver), its
    DAGs folder at ``dags``, no example DAGs."""
    env = environment()
    for name in list(env):
        if name.startswith("AIRFLOW"):
            del env[name]  # a developer's Airflow configuration must not leak in
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(dags),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        DO_NOT_TRACK="1",
    )
    return env
