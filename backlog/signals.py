from django.dispatch import Signal

# Sent after commit whenever something that decides an ART's ranking changed (a feature's
# WSJF inputs, its status, a feature created or deleted). Arguments: art_id, acting_user.
# scoring subscribes to it; backlog never imports scoring's models or tasks.
ranking_inputs_changed = Signal()
