"""The texts of February - May 2005, written for the demo from the seed's facts: the
Preliminary Report to PrepCom-2 (its clusters as the seed quotes them), the chapeau paper and
the cluster assessment papers, the process-functions questionnaire."""

from __future__ import annotations

from typing import Any

PRELIMINARY = """\
# Introduction

The Working Group on Internet Governance was established by the Secretary-General of the United Nations on 11 November 2004, as the first phase of the World Summit on the Information Society asked. It has met twice in Geneva, in November 2004 and in February 2005.

This report describes the progress the group has made and sets out its programme of work for the remainder of its mandate.

# I. Working definition of Internet governance

Between its first and second meetings the group discussed a number of definitions. Two views emerged: one favouring a normative definition rooted in the Declaration of Principles, the other a descriptive definition rooted in the literature of social science.

The group reached consensus on the general meaning of the term "governance" as distinct from "government", and on the range of issues, actors, organizations and activities that a working definition would need to capture.

# II. Public policy issues

The group has sorted the issues analysed in its draft working papers into four clusters, each of which presents a different governance challenge in terms of substance, process and the roles and responsibilities of stakeholders.

(i) Issues related to infrastructure and the management of critical Internet resources, including administration of the domain name system and IP addresses, administration of the root server system, technical standards, peering and interconnection, telecommunications infrastructure including innovative and converged technologies, as well as multilingualization.

(ii) Issues related to the use of the Internet, including spam, network security and cybercrime.

(iii) Issues which are relevant to the Internet, but with an impact much wider than the Internet, where there are existing organizations responsible for these issues, such as intellectual property rights or international trade.

(iv) Issues related to developmental aspects of Internet governance, in particular capacity building in developing countries.

# III. Horizontal issues

The group's work will be guided by the key principles of the Summit. It recognizes the importance of issues that affect every aspect of Internet governance, such as the economic and social impacts of the Internet and the particular challenges facing developing countries.

# IV. Programme of work

As a next step, the group will assess the adequacy of present governance arrangements and develop a common understanding of the respective roles and responsibilities of all actors.

Papers on these issues will be posted no later than 31 March 2005, so that all stakeholders have a chance to comment on them before the group's third meeting on 18-20 April 2005.
"""

# Adopted on the floor at the closed sessions (17-18 February): (section heading, old, new).
PRELIMINARY_FLOOR = (
    (
        "Working definition of Internet governance",
        "a working definition would need to capture.",
        "a working definition would need to capture. This progress is reported to the "
        "Preparatory Committee at its second meeting.",
    ),
    (
        "Horizontal issues",
        "the particular challenges facing developing countries.",
        "the particular challenges facing developing countries, and the capacity of "
        "existing arrangements to address governance issues in a coordinated manner.",
    ),
)

ASSESSMENT = """\
# Chapeau: Towards a Common Understanding of the Roles and Responsibilities of All Stakeholders in Internet Governance

This paper provides a general framework for assessing the adequacy of existing governance arrangements against the criteria of the Declaration of Principles: that the international management of the Internet should be multilateral, transparent and democratic, with the full involvement of governments, the private sector, civil society and international organizations.

It serves as a chapeau for the cluster assessment papers that follow, each of which identifies the strengths and weaknesses of current arrangements in one issue area and seeks to clarify the roles and responsibilities of stakeholders.

# Cluster 1.a: Physical infrastructure

To be drafted by the co-leads.

# Cluster 1.b: Logical infrastructure (IP addresses and domain names)

To be drafted by the co-leads.

# Cluster 2: Issues related to the use of the Internet

To be drafted by the co-leads.

# Cluster 3: Issues with an impact wider than the Internet

To be drafted by the co-leads.

# Cluster 4: Developmental aspects

To be drafted by the co-leads.
"""

CLUSTER_FINDINGS = {
    "1.a": "telecommunications infrastructure, interconnection and peering are governed "
    "mostly by commercial agreements and national regulation, with no forum where the cost "
    "of international connectivity for developing countries is addressed",
    "1.b": "the bottom-up processes for IP addresses work well; the administration of the "
    "domain name system and of the root zone raises questions of oversight and of the role "
    "of governments that the present arrangements do not answer",
    "2": "spam, network security and cybercrime lack a global framework; cooperation depends "
    "on bilateral and regional arrangements with uneven coverage",
    "3": "intellectual property and trade are governed by existing organizations, whose "
    "coordination with Internet governance institutions is weak",
    "4": "capacity building is pursued by many actors without coordination, and developing "
    "countries' participation in global policy remains limited",
}


def cluster_text(finding: str) -> str:
    return (
        "This paper assesses the existing governance arrangements of the cluster against "
        "the criteria of the Declaration of Principles.\n\n"
        f"The co-leads find that {finding}.\n\n"
        "The paper sets out the roles of governments, the private sector, civil society and "
        "intergovernmental organizations in the cluster, and the gaps that remain.\n"
    )


PROCESS_FUNCTIONS: dict[str, Any] = {
    "title": "Questionnaire on process functions",
    "internal_chapeau": (
        "After its third meeting the group has agreed on the main governance challenges but "
        "not yet on the action to take. Please give your views on four process functions; "
        "post your replies in the work space, where you can follow your colleagues' answers."
    ),
    "public_chapeau": (
        "The Working Group on Internet Governance invites governments and stakeholders to "
        "give their views on the actions needed to improve Internet governance with respect "
        "to four process functions. The replies will inform the group's recommendations."
    ),
    "questions": [
        {
            "kind": "ranking",
            "prompt": "Rank the four process functions by the priority the group should give them.",
            "options": [
                "A forum function",
                "An oversight function",
                "Coordination of international governance mechanisms",
                "Coordination of national governance mechanisms",
            ],
            "required": True,
        },
        {
            "kind": "single",
            "prompt": "Should a global Internet governance forum be established, where all "
            "stakeholders meet on an equal footing?",
            "options": ["Yes", "No", "Not sure"],
            "required": True,
        },
        {
            "kind": "text",
            "prompt": "What should change in the oversight of the management of core "
            "Internet resources?",
            "max_chars": 3000,
        },
    ],
}

OVERSIGHT_VIEWS = (
    "Oversight should be internationalized, with a role for all governments.",
    "No new body is needed; the existing institutions should be made more accountable.",
    "A council of governments should take over the present oversight role.",
    "Oversight should stay with the technical community, with governments advising.",
)
