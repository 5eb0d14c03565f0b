"""Consultation rules, one module per concept: the round itself (`consultations`), comments
and their threads (`comments`), where anchors point today (`anchors`), what became of each
comment (`dispositions`) and the compiled record (`compilation`)."""
