"""Who the year's group is: a chair, a secretariat, forty members with the chair, from every
stakeholder group and region, and observers. Every name is invented for the demo (the seed
names no member); handles ("Member 07") are what the demo prints and names key files by."""

from __future__ import annotations

from dataclasses import dataclass

REGIONS = (
    "Africa",
    "Asia-Pacific",
    "Europe",
    "Latin America and the Caribbean",
    "North America",
    "Western Asia",
)

# (name, stakeholder) for Member 01 .. Member 39: invented, clearly fictional.
MEMBERS = (
    ("Adaeze Okonkwo-Bell", "government"),
    ("Tomasz Wierzbowski-Lind", "private_sector"),
    ("Lucía Arredondo Paz", "civil_society"),
    ("Kenji Morioka-Hale", "technical_academic"),
    ("Samira Haddad-Ortiz", "government"),
    ("Pieter van Oostveld", "private_sector"),
    ("Amara Diallo-Keane", "civil_society"),
    ("Ravi Subramanyam-Ekholm", "technical_academic"),
    ("Ingrid Solheimsdottir", "government"),
    ("Mateo Quispe Landa", "civil_society"),
    ("Nadia Benkirane-Voss", "government"),
    ("Oluwaseun Adebayo-Marsh", "civil_society"),
    ("Hana Kowalczyk-Ito", "private_sector"),
    ("Joaquim Ferraz Duarte", "government"),
    ("Leila Farahani-Moss", "technical_academic"),
    ("Tariq Al-Mansouri Greene", "government"),
    ("Beatriz Llorente Saavedra", "private_sector"),
    ("Chidi Nwachukwu-Ferrer", "technical_academic"),
    ("Mei-Lin Zhou Abernathy", "government"),
    ("Anders Vikström-Njoroge", "civil_society"),
    ("Priya Raghunathan-Coles", "private_sector"),
    ("Kwame Asante-Lindqvist", "government"),
    ("Élodie Marchetti-Sow", "intergovernmental"),
    ("Farid Nourzad-Kelly", "civil_society"),
    ("Yolanda Castillo Brenner", "government"),
    ("Dmitri Averin-Holt", "technical_academic"),
    ("Grace Mwangi-Thorsen", "private_sector"),
    ("Hamid Zerouali-Park", "government"),
    ("Ana-Maria Lupescu Dias", "civil_society"),
    ("Sione Taufa'ahau Reid", "government"),
    ("Marguerite Okello-Dubois", "intergovernmental"),
    ("Rashid Kamal-Eriksen", "private_sector"),
    ("Valentina Ruiz-Holloway", "technical_academic"),
    ("Bongani Dlamini-Weiss", "government"),
    ("Noor Siddiqui-Barrett", "civil_society"),
    ("Eamon Fitzwilliam-Osei", "government"),
    ("Carolina Benedetti Ruiz", "private_sector"),
    ("Arjun Mehrotra-Salas", "government"),
    ("Soraya Belhadj-Winter", "technical_academic"),
)

OBSERVERS = (
    ("Ilse Brandauer-Nkemelu", "intergovernmental"),
    ("Teodor Vasilescu-Amin", "intergovernmental"),
    ("Rosa Itzel Mendoza Kraft", "intergovernmental"),
    ("Obinna Eze-Lundgren", "intergovernmental"),
    ("Claire Dumontet-Achebe", "civil_society"),
    ("Viktor Halonen-Reyes", "private_sector"),
    ("Aiko Tanabe-Whitfield", "technical_academic"),
    ("Musa Kanneh-Oliveira", "civil_society"),
)


@dataclass
class Person:
    handle: str  # what the demo prints and names key files by
    name: str
    role: str
    stakeholder: str
    region: str
    id: int = 0  # the participant's id, once invited
    token: str = ""  # its own token, once it redeemed its invitation

    @property
    def key_file(self) -> str:
        return self.handle.lower().replace(" ", "-")


def roster() -> list[Person]:
    people = [
        Person("The Chair", "The Chair", "chair", "government", "Asia-Pacific"),
        Person("The Secretariat", "The Secretariat", "secretariat", "intergovernmental", "Europe"),
    ]
    people += [
        Person(f"Member {n:02d}", name, "member", stakeholder, REGIONS[n % len(REGIONS)])
        for n, (name, stakeholder) in enumerate(MEMBERS, start=1)
    ]
    people += [
        Person(f"Observer {n}", name, "observer", stakeholder, REGIONS[(n * 5) % len(REGIONS)])
        for n, (name, stakeholder) in enumerate(OBSERVERS, start=1)
    ]
    return people
