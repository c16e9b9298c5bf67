from django.dispatch import Signal

ranking_inputs_changed = Signal()
"""Sent after commit when something that decides an ART's ranking changed. Arguments: art_id,
acting_user.

Senders: backlog.services (feature_create, feature_delete, and feature_update when one of the
four WSJF inputs or the status changed) through transaction.on_commit, so a rolled-back edit
sends nothing and a run only ever reads committed data; load_demo sends it for the demo ART.

backlog never imports scoring's models or tasks; scoring subscribes. The path on from here
(README, "How a change becomes a ranking"): scoring.apps.ScoringConfig.ready() connects
scoring.receivers.ranking_inputs_changed_queue_run -> scoring.services.scoring_run_request
inserts a pending ScoringRun, unless the ART has one already (constraint one_pending_run_per_art:
that run reads the features when it starts, so it covers this change too) -> on commit,
scoring.tasks.scoring_run_task.delay(run id) -> the worker's scoring_run_execute claims the run,
locks the ART's row, recomputes CoD, WSJF and rank, and writes only the scores that changed.
"""
