"""The texts of June 2005, written for the demo from the seed's facts: the Secretariat's
document (presented at Bossey as the Background Report), the chapters the drafting groups
wrote for the Final Report, the four oversight models, the changes of the final night and of
the editorial week."""

from __future__ import annotations

SECRETARIAT = """\
# Introduction

The first phase of the World Summit on the Information Society asked the Secretary-General of the United Nations to set up a working group on Internet governance, in an open and inclusive process that ensures a mechanism for the full and active participation of governments, the private sector and civil society from both developing and developed countries.

The group was asked to develop a working definition of Internet governance; to identify the public policy issues that are relevant to Internet governance; to develop a common understanding of the respective roles and responsibilities of all stakeholders; and to prepare a report on the results of this activity for the second phase of the Summit in Tunis in 2005.

The group met four times in Geneva. It held open consultations with stakeholders at each meeting, posted its working papers on its web site for comment between meetings, and reported on its working sessions under the Chatham House rule.

# I. Working definition of Internet governance

The group agreed that its definition should be descriptive rather than normative: the principles that guide Internet governance are set out in the introduction.

For the purposes of this report, Internet governance is the development and application by governments, the private sector and civil society, in their respective roles, of shared principles, norms, rules, decision-making procedures and programmes that shape the evolution and use of the Internet.

The definition covers more than the management of Internet names and addresses: it includes other significant public policy issues, such as critical Internet resources, the security and safety of the Internet, and developmental aspects and issues pertaining to the use of the Internet.

# II. Public policy issues and the adequacy of existing arrangements

The group identified the public policy issues relevant to Internet governance in four clusters: infrastructure and the management of critical Internet resources; the use of the Internet; issues with an impact much wider than the Internet; and developmental aspects.

Its assessment papers found that stakeholders face significantly different governance challenges in different issue areas, and that different kinds of solutions are needed.

# III. Roles and responsibilities

Governments, the private sector, civil society and intergovernmental and international organizations each have roles in Internet governance, which the group describes in turn.

# IV. Process functions

The replies to the group's questionnaire show broad support for a forum function, and differing views on oversight, on the coordination of international mechanisms and on the coordination of national mechanisms.
"""

FINAL_INTRODUCTION = """\
The first phase of the World Summit on the Information Society asked the Secretary-General of the United Nations to set up a working group on Internet governance. The group was established on 11 November 2004, with forty members from governments, the private sector and civil society, who all participated on an equal footing and in their personal capacity.

The group met four times in Geneva, held open consultations with all stakeholders at each meeting and posted its draft papers for comment on its web site. This report presents the results of its work; a Background Report, published separately, sets out the material on which it is based.
"""

FINAL_DEFINITION = """\
For the purposes of this report, Internet governance is the development and application by governments, the private sector and civil society, in their respective roles, of shared principles, norms, rules, decision-making procedures and programmes that shape the evolution and use of the Internet.

The definition is descriptive: the principles that guide Internet governance are those of the Declaration of Principles, recalled in the introduction.
"""

CHAPTERS = {
    "II": (
        "Public policy issues relevant to Internet governance",
        "Public policy issues",
        "The group identified the following issues as being of the highest priority: the "
        "administration of the root zone files and system; interconnection costs; Internet "
        "stability, security and cybercrime; spam; meaningful participation in global policy "
        "development; capacity building; the allocation of domain names; IP addressing; "
        "intellectual property rights; freedom of expression; data protection and privacy "
        "rights; consumer rights; and multilingualism.\n\n"
        "For each of these issues the Background Report describes the existing arrangements "
        "and the group's assessment of their adequacy.\n\n"
        "The group found that the governance of these issues is not always adequate: some "
        "issues have no institution that deals with them, and others fall between several.\n",
    ),
    "III": (
        "Roles and responsibilities of stakeholders",
        "Roles and responsibilities",
        "Governments are responsible for public policy-making, coordination and "
        "implementation at the national level, and for policy development at the regional "
        "and international levels.\n\n"
        "The private sector contributes industry self-regulation, research and development, "
        "and investment in infrastructure, and takes part in the development of national "
        "and international policies.\n\n"
        "Civil society raises awareness, builds capacity, promotes public interest "
        "objectives, and brings the perspectives of marginalized groups; it plays an "
        "important role for stakehoders of every kind.\n",
    ),
}

IV_INTRO = (
    "The group makes the following proposals for action, as appropriate, on the governance "
    "of the Internet.\n"
)

SECTIONS = {
    "A": (
        "Forum function",
        "Forum",
        "The group identified a vacuum within the context of existing structures, since "
        "there is no global multi-stakeholder forum to address Internet-related public "
        "policy issues.\n\n"
        "It recommends the creation of a new space for dialogue for all stakeholders on an "
        "equal footing on all Internet governance-related issues.\n",
    ),
    "B": (
        "Oversight function",
        "Oversight",
        "The group considered the oversight of the management of core Internet resources. "
        "Four models were developed, which the group presents side by side.\n\n"
        "The preferred arrangement is a model to be chosen among the four.\n",
    ),
    "C": (
        "Capacity-building",
        "Capacity building",
        "Capacity-building at the national and regional levels is needed in developing "
        "countries so that all stakeholders can take part in Internet governance.\n\n"
        "The group recommends that adequate resources be made available for capacity-"
        "building.\n",
    ),
}

# The four ad hoc groups' models, alternatives to one sentence of section IV.B.
MODELS_ANCHOR = "a model to be chosen among the four."
MODELS = (
    "Model 1: a council of governments, with the private sector and civil society "
    "advising, takes over the present oversight role.",
    "Model 2: no specific oversight organization; the existing institutions are made more "
    "accountable, and a forum helps them coordinate.",
    "Model 3: an international council of governments oversees the public policy aspects "
    "of core resources, replacing the present unilateral oversight.",
    "Model 4: three bodies share the tasks: a policy council, a reformed management body, "
    "and a forum for all stakeholders.",
)
KEPT_NOTE = 'Four models kept side by side: "four equally beautiful brides".'

# The plenary of the final night: (section key, old, new, proposer), adopted on the floor.
FLOOR = (
    (
        "II",
        "and others fall between several.",
        "and others fall between several institutions with no coordination among them.",
        4,
    ),
    (
        "III",
        "and international levels.",
        "and international levels, in consultation with all stakeholders.",
        13,
    ),
    (
        "A",
        "on an equal footing on all Internet governance-related issues.",
        "on an equal "
        "footing on all Internet governance-related issues, linked to the United Nations.",
        19,
    ),
)
# On the floor when the demo opens (23:00): proposed by Member 07, redrafted live.
NIGHT = (
    "C",
    "adequate resources be made available for capacity-building.",
    "adequate resources be made available for capacity-building, from a range of sources.",
    7,
)
NIGHT_REDRAFT = (
    "adequate resources be made available for capacity-building, from a range of sources, "
    "with particular attention to the least developed countries."
)

# The editorial week.
TYPO = ("stakehoders", "stakeholders")  # in chapter III: accepted by every voter
PUNCTUATION = ("equal footing on all", "equal footing, on all")  # waited out
SUBSTANCE = (
    "I",
    "shape the evolution and use of the Internet.",
    "shape the evolution and use of the Internet, as a global public resource.",
)
SUBSTANCE_OBJECTION = "The words go beyond what the group agreed at Bossey."
SUBSTANCE_RESOLVED = (
    "shape the evolution and use of the Internet.",
    "shape the evolution and use of the Internet as a global facility.",
)


def annex(names: list[str]) -> str:
    listed = "; ".join(names) + "."
    return (
        "The members of the group, who served in their personal capacity (names invented "
        f"for this demo):\n\n{listed}\n"
    )
