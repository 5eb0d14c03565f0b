"""The draft working papers (December 2004 - February 2005), written for the demo: twenty-one
issues, each a short paper in three paragraphs (the issue, who deals with it now, the drafting
team's preliminary assessment), the disclaimer the seed quotes, and the comments."""

from __future__ import annotations

# The full text of the disclaimer, as the seed (footnote 10) quotes it.
DISCLAIMER = (
    "This paper is a 'draft working paper' reflecting the preliminary findings of the "
    "drafting team. It has been subject to review by all WGIG members, but does not "
    "necessarily present a consensus position nor does it contain agreed language accepted "
    "by every member. The purpose of this draft is to provide a basis for the ongoing work of "
    "the group. It is therefore not to be seen as a chapter in the final WGIG report, but "
    "rather as raw material that will be used when drafting the report. This draft working "
    "paper has been published on the WGIG web site for public comment, so that it will "
    "evolve, taking into account input from governments and stakeholders."
)

# (drafting group, [(issue, what it is, who deals with it, the preliminary finding)])
GROUPS: list[tuple[str, list[tuple[str, str, str, str]]]] = [
    (
        "Infrastructure and critical Internet resources",
        [
            (
                "Administration of the root server system",
                "the operation of the servers that answer for the root of the domain name "
                "system, on which every lookup on the Internet depends",
                "a small number of operators, most of them in one region, working under "
                "informal arrangements and the technical community's own coordination",
                "the service has been reliable, but there is no formal framework for its "
                "operation and developing regions have few instances of the servers",
            ),
            (
                "Administration of the domain name system",
                "the policies for creating and running top-level domains and for resolving "
                "disputes over domain names",
                "a private not-for-profit corporation, registries and registrars, with "
                "governments advising through a committee of their own",
                "the arrangements are transparent in much of their work, but the role of "
                "governments and the unilateral oversight of one government are contested",
            ),
            (
                "Allocation of IP addresses",
                "the distribution of Internet Protocol address space and the transition from "
                "IPv4 to IPv6",
                "the regional Internet registries, through bottom-up policy processes open to all",
                "the regional processes are open and work well, though some developing "
                "countries see the allocation of IPv4 space as historically unequal",
            ),
            (
                "Interconnection costs",
                "the cost of connecting to the Internet backbone, which operators in "
                "developing countries often bear in full for both directions of traffic",
                "commercial agreements between operators, with little international policy "
                "coordination",
                "there is no global mechanism to address the imbalance, and the issue is a "
                "priority for developing countries",
            ),
            (
                "Telecommunications infrastructure",
                "the networks over which the Internet runs, including innovative and "
                "converged technologies",
                "national regulators, operators, and intergovernmental organizations in "
                "telecommunications",
                "arrangements are well established for traditional telecommunications but "
                "less clear where networks converge",
            ),
            (
                "Technical standards",
                "the protocols and standards on which interoperability depends",
                "open standards bodies of the technical community and intergovernmental "
                "standards organizations",
                "the open processes are effective, though participation from developing "
                "countries remains limited by cost and expertise",
            ),
        ],
    ),
    (
        "Security and the use of the Internet",
        [
            (
                "Spam",
                "unsolicited bulk electronic messages, a burden on networks and users alike",
                "national laws, industry self-regulation and some bilateral cooperation",
                "there is no global framework, and enforcement across borders is weak",
            ),
            (
                "Network and information security",
                "the protection of networks and information against attack and misuse",
                "operators, incident response teams, and national and regional bodies",
                "cooperation is growing but uneven, and many countries lack the capacity to "
                "take part",
            ),
            (
                "Cybercrime",
                "crimes committed through or against computer networks",
                "national law enforcement and a regional convention open to others",
                "cooperation across jurisdictions is slow and its coverage incomplete",
            ),
        ],
    ),
    (
        "Rights, content and users",
        [
            (
                "Freedom of expression",
                "the right to seek, receive and impart information through the Internet",
                "international human rights instruments and national law",
                "the principles are agreed, but their application online varies widely",
            ),
            (
                "Privacy and data protection",
                "the protection of personal data collected and processed online",
                "national and regional data protection regimes and industry codes",
                "the regimes differ and their interplay across borders is not settled",
            ),
            (
                "Consumer protection",
                "the rights of consumers buying goods and services online",
                "national consumer authorities and some international guidelines",
                "redress in cross-border transactions is difficult to obtain",
            ),
            (
                "Intellectual property rights",
                "copyright, trademarks and patents as they apply to the Internet",
                "international treaties and their organizations, national law and courts",
                "the arrangements are extensive; their balance with access to knowledge is debated",
            ),
        ],
    ),
    (
        "Development",
        [
            (
                "Capacity building",
                "the human and institutional capacity needed to take part in Internet governance",
                "development agencies, intergovernmental organizations and the technical "
                "community, each with its own programmes",
                "the efforts are many but fragmented, and they rarely reach policy-making",
            ),
            (
                "Meaningful participation in global policy development",
                "the ability of developing countries and all stakeholders to take part in "
                "global policy processes",
                "the rules of each forum, and the resources of those who would take part",
                "participation is limited by cost, distance and the number of forums",
            ),
            (
                "Free and open source software",
                "software whose source is open to use, study and change",
                "developer communities, governments as users, and licensing practice",
                "its role in development and in public procurement deserves attention",
            ),
            (
                "Universal access",
                "affordable access to the Internet for all",
                "national policies, universal service funds and development programmes",
                "the gap between and within countries remains wide",
            ),
        ],
    ),
    (
        "Multilingualism",
        [
            (
                "Multilingualization of domain names",
                "domain names in scripts other than the Latin alphabet",
                "standards bodies, registries and the domain name administration",
                "progress is slow, and the needs of many language communities are unmet",
            ),
            (
                "Multilingual content",
                "content and software in the languages of their users",
                "content producers, software makers and cultural organizations",
                "content in many languages remains scarce",
            ),
        ],
    ),
    (
        "Trade and the economy",
        [
            (
                "Electronic commerce",
                "the trade of goods and services over the Internet",
                "trade agreements, national law and commercial practice",
                "the relation between trade rules and Internet governance is unclear",
            ),
            (
                "Dispute resolution and jurisdiction",
                "which law applies, and which court decides, in disputes that cross borders",
                "national courts, private arbitration and some specialised procedures",
                "the arrangements leave users and businesses uncertain",
            ),
        ],
    ),
]

INTRODUCTION = (
    "These draft working papers cover the issues of the group's inventory for which a "
    "drafting team prepared a paper. Each paper describes the issue, the actors, institutions "
    "and mechanisms that deal with it now, and a preliminary assessment of their adequacy.\n\n"
    "Comments are welcome until 13 February 2005. They will be considered at the group's "
    "second meeting, which opens with consultations with all stakeholders on 15-16 "
    "February 2005.\n"
)


def papers_markdown() -> str:
    parts = [f"# Introduction\n\n{INTRODUCTION}"]
    n = 0
    for _group, papers in GROUPS:
        for issue, _what, _who, _finding in papers:
            n += 1
            parts.append(f"# {n}. {issue}\n\nTo be drafted by the drafting team.\n")
    return "\n".join(parts)


def paper_text(what: str, who: str, finding: str) -> str:
    return (
        f"The issue is {what}.\n\n"
        f"It is dealt with today by {who}.\n\n"
        f"In the drafting team's preliminary assessment, {finding}. The team invites "
        "comments on this assessment and on the actors it may have left out.\n"
    )


PLACES = ("Arcadia", "Borduria", "Freedonia", "Genovia", "Ruritania", "Sylvania", "Elbonia")
COMMENTS = (
    "The paper should say more about the cost of access in least developed countries.",
    "We support the assessment, and suggest adding the role of regional organizations.",
    "The description of existing arrangements is incomplete: national regulators play a "
    "larger part than the paper suggests.",
    "The paper should distinguish more clearly between technical coordination and public policy.",
    "Please consider the interests of small and medium-sized enterprises.",
    "The assessment is too optimistic about the openness of the processes described.",
    "We welcome the paper and the opportunity to comment on it.",
    "The paper should refer to the human rights framework explicitly.",
    "A table of the institutions involved would help readers.",
    "The paper should name the gaps, not only the actors.",
)
OTHER_CATEGORIES = ("civil_society", "private_sector", "technical_academic")
