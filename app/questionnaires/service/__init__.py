"""Questionnaire rules, one module per concept: the questionnaire and who reads it
(`questionnaires`), its public links (`links`), what an answer may be (`answers`), replies
(`replies`), the summary (`summary`) and its documents (`documents`)."""
