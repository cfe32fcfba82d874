"""--data-docs builds Great Expectations' own Data Docs next to the steward report."""

from __future__ import annotations


def test_data_docs_are_built_for_every_check(world, dataguard, tmp_path):
    docs = tmp_path / "docs"
    run = dataguard("gate", "invoicing", "--config", str(world.config), "--data-docs", str(docs))
    assert run.code == 1, run.err
    assert (docs / "index.html").is_file()
    # One page per suite run; a database check may have two (in the database, in Python).
    pages = {
        p.relative_to(docs / "validations").parts[0]
        for p in docs.rglob("*.html")
        if "validations" in p.parts
    }
    assert pages == {"articles", "contacts", "customers"}
    customers = "".join(
        p.read_text("utf-8") for p in (docs / "validations" / "customers").rglob("*.html")
    )
    assert "postal_code" in customers and "iban" in customers

    from kmu_dataguard.engine.gx_internals import gx_context

    assert gx_context().validation_results_store.list_keys() == [], "nothing kept in memory"


def test_data_docs_that_cannot_be_written_make_the_run_an_error(world, tmp_path):
    import kmu_dataguard
    from tests.support.fixing import fix_defects

    fix_defects(world)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = kmu_dataguard.run_gate("invoicing", config=world.config, data_docs_dir=blocker)
    assert result.exit_code == 3
    assert "Data Docs could not be built" in result.errors[0].message
