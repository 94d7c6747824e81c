"""Small topical corpora the tests write themselves: papers on a few distinct subjects,
recent, with authors and categories, so a reader's taste has something to learn."""

from __future__ import annotations

from datetime import date, timedelta

from paperwire import clock
from paperwire.domain import Paper
from paperwire.services.community import accounts
from paperwire.services.intake import embed, importing
from paperwire.services.library import Library
from paperwire.store.site import User

TOPICS = {
    "robots": ("cs.RO", "Yann LeCun", [
        "Legged robot locomotion over rough terrain", "Grasping unknown objects with a robot arm",
        "Sim-to-real transfer for robot manipulation", "Quadruped robot gait learning",
        "Robot navigation in crowded corridors", "Dexterous in-hand manipulation by robots",
        "Mobile robot mapping with lidar", "Humanoid robot balance control",
        "Robot learning from human demonstrations", "Drone swarm formation flight"]),
    "proteins": ("q-bio.BM", "Frances Arnold", [
        "Protein structure prediction from sequence", "Protein folding energy landscapes",
        "Designing enzymes with directed evolution", "Antibody binding affinity prediction",
        "Protein-ligand docking scores", "Molecular dynamics of membrane proteins",
        "Protein language models for mutation effects", "De novo protein backbone design",
        "Cryo-EM density maps of protein complexes", "Predicting protein stability changes"]),
    "galaxies": ("astro-ph.GA", "Vera Rubin", [
        "Rotation curves of spiral galaxies", "Dark matter halos of dwarf galaxies",
        "Galaxy mergers in cosmological simulations", "Star formation in barred galaxies",
        "Supermassive black holes in galaxy centres", "Redshift survey of distant galaxies",
        "Gas accretion onto galaxy discs", "Globular clusters around elliptical galaxies",
        "Galactic winds driven by supernovae", "Weak lensing by galaxy clusters"]),
}


def topical_papers(today: date | None = None) -> list[Paper]:
    today = today or clock.today()
    papers = []
    for t, (topic, (category, famous, titles)) in enumerate(TOPICS.items()):
        for i, title in enumerate(titles):
            authors = [famous if i == 0 else f"Author {topic} {i}", f"Coauthor {t}{i}"]
            papers.append(Paper(
                title=title, arxiv_id=f"2611.{t:01d}{i:03d}0",
                abstract=f"We study {title.lower()}. This {topic} paper reports experiments "
                         f"and analysis on {title.lower()} in detail.",
                authors=authors, categories=[category],
                published=today - timedelta(days=i % 5), external_upvotes=10 - i))
    return papers


def topic_ids(topic: str) -> list[str]:
    t = list(TOPICS).index(topic)
    return [f"2611.{t:01d}{i:03d}0" for i in range(len(TOPICS[topic][2]))]


def load_topical(library: Library) -> None:
    importing.import_records(library, topical_papers())
    embed.embed_pending(library)


def make_user(library: Library, name: str) -> User:
    return accounts.sign_up(library.site, name, "correct horse 1")
