from celery import shared_task


@shared_task(name="coaching.tasks.draw_samples")
def draw_samples() -> int:
    """Daily: draw every ended slot of the quarter's random sample, per organisation."""
    from coaching.sampling import draws_due
    from organisations.models import Organisation

    return sum(draws_due(organisation) for organisation in Organisation.objects.all())
