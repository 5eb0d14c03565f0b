"""The texts of November and December 2004, written for the demo from the seed's facts: the
draft outline of the Final Report, the pre-meeting questionnaire, and the "Inventory of
Public Policy Issues and Priorities" (forty-six items in five categories, around thirty
issues, some listed under more than one category)."""

from __future__ import annotations

from typing import Any

GROUP_NAME = "Working Group on Internet Governance"
GROUP_NOTE = (
    "Demo: the WGIG's year (November 2004 - July 2005) replayed from a published history. "
    "The texts are written for the demo; the members' names are invented."
)

OUTLINE = """\
# Introduction

Origin of the group, its terms of reference and its working methods.

# I. Working definition of Internet governance

A definition that captures the issues, actors, organisations and activities involved.

# II. Public policy issues relevant to Internet governance

The inventory of issues, grouped by the goals of the Declaration of Principles.

# III. Roles and responsibilities of stakeholders

Governments, the private sector, civil society and intergovernmental and international
organisations.

# IV. Proposals for action

Recommendations, as appropriate, on the governance of the Internet.
"""

CATEGORIES: dict[str, list[str]] = {
    "A. Equitable distribution of resources": [
        "Interconnection costs and their allocation between developing and developed regions.",
        "Allocation of IP addresses, including the transition to IPv6.",
        "Administration of the domain name system, including generic top-level domains.",
        "Administration of country code top-level domains.",
        "Administration of the root server system.",
        "Allocation of radio spectrum for wireless access.",
        "Financing of infrastructure in developing countries.",
        "Capacity building for policy and technical participation.",
        "Affordable international bandwidth.",
    ],
    "B. Access for all": [
        "Universal access and the digital divide.",
        "Interconnection costs as a barrier to access.",
        "Telecommunications infrastructure, including innovative and converged technologies.",
        "Capacity building and human resource development.",
        "Meaningful participation of developing countries in global policy development.",
        "Free and open source software.",
        "Access to information and knowledge, including the public domain.",
        "Consumer protection online.",
        "Accessibility for persons with disabilities.",
        "Affordability of access devices and services.",
    ],
    "C. Stable and secure functioning of the Internet": [
        "Network and information security.",
        "Spam.",
        "Cybercrime.",
        "Critical infrastructure protection.",
        "Technical standards and their development.",
        "Stability and security of the root server system.",
        "Peering and interconnection arrangements.",
        "Privacy and data protection.",
        "Authentication and digital signatures.",
        "Emergency response and the coordination of incident response teams.",
    ],
    "D. Multilingualism and content": [
        "Multilingualization of domain names (internationalized domain names).",
        "Multilingual content and software.",
        "Cultural and linguistic diversity online.",
        "Local content creation.",
        "Intellectual property rights.",
        "Freedom of expression.",
        "Content regulation and illegal content.",
        "Access to information and knowledge, including the public domain.",
    ],
    "E. Other issues for consideration": [
        "Electronic commerce and international trade.",
        "Taxation of electronic commerce.",
        "Dispute resolution, including jurisdiction and applicable law.",
        "Coordination of existing governance arrangements.",
        "Roles and responsibilities of governments, the private sector and civil society.",
        "Transparency and accountability of governance institutions.",
        "Competition policy and market liberalization.",
    ],
}

# Proposed from the floor on 24 November: each takes the inventory to forty-six items.
FLOOR_ITEMS = (
    ("E. Other issues for consideration", "Consumer protection in cross-border transactions."),
    ("C. Stable and secure functioning of the Internet", "Data retention by service providers."),
)


def inventory_markdown() -> str:
    parts = [
        "# Introduction\n\nThis inventory lists the public policy issues that the members of "
        "the group consider relevant to Internet governance, sorted by the goals set out in "
        "the Declaration of Principles. Some items appear under more than one category or in "
        "slightly different terms; around thirty different issues are on the list.\n"
    ]
    for category, items in CATEGORIES.items():
        lines = "\n\n".join(items)
        parts.append(f"# {category}\n\n{lines}\n")
    return "\n".join(parts)


def item_count() -> int:
    return sum(len(items) for items in CATEGORIES.values()) + len(FLOOR_ITEMS)


PRE_MEETING: dict[str, Any] = {
    "title": "Pre-meeting questionnaire: Internet governance issues and priorities",
    "internal_chapeau": (
        "Before the first meeting (Geneva, 23-25 November 2004), the Secretariat asks each "
        "member to name the Internet governance issues the group should address, and how "
        "urgent each is. The replies will be compiled into a first list of issues for the "
        "meeting."
    ),
    "questions": [
        {
            "kind": "text",
            "prompt": "Which public policy issues relevant to Internet governance should "
            "the group address?",
            "required": True,
            "max_chars": 2000,
        },
        {
            "kind": "multiple",
            "prompt": "Which layers of the Internet do these issues concern?",
            "options": ["Infrastructure", "Transport", "Applications", "Content"],
        },
        {
            "kind": "scale",
            "prompt": "How urgent is action on the issue you rank first (1: not urgent, "
            "5: very urgent)?",
            "scale_min": 1,
            "scale_max": 5,
        },
    ],
}

# What members wrote (one per reply, in turn); twenty-four different issues among them.
PRE_MEETING_ISSUES = (
    "Interconnection costs; affordable international bandwidth; capacity building.",
    "Administration of the root server system and of the domain name system.",
    "Spam and network security; cybercrime.",
    "Multilingual domain names and multilingual content.",
    "Meaningful participation of developing countries in policy development.",
    "IP address allocation and the transition to IPv6.",
    "Intellectual property rights and access to knowledge.",
    "Privacy and data protection; consumer protection.",
    "Freedom of expression and content regulation.",
    "Electronic commerce, taxation and dispute resolution.",
    "Technical standards and their development.",
    "Universal access; free and open source software.",
)
