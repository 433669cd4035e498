from celery import shared_task


@shared_task(name="partyorg.imports.run")
def run_import_task(job_id: str) -> None:
    from .services import import_job_run

    import_job_run(job_id)
