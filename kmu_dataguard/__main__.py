from kmu_dataguard.cli import run

run()
