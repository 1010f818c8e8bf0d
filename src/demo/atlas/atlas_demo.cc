#include "demo/atlas/atlas_demo.h"

#include "core/slug.h"

namespace waymark::demo {
namespace atlas_data {
struct GlossaryEntry {
  const char* slug;
  struct Text {
    const char* term;
    const char* definition;
    std::vector<std::string> aliases;
  };
  Text en, fr, es;
  const char* source_note;
};
const std::vector<GlossaryEntry>& Glossary();  // atlas_glossary_data.cc
}  // namespace atlas_data

namespace {

const char* const kDemoNote =
    "\n\n*Demonstration text written for Waymark. It describes the kind of situation the Atlas documents; it "
    "is not a study and gives no figures.*";

struct DemoCase {
  const char* org;
  atlas::CaseText en, fr, es;
  const char* geometry;
  const char* onset;
  std::vector<std::string> hazards;
  std::vector<std::string> movements;
  std::vector<std::string> countries;
  int year_from;
  int year_to;
  std::vector<std::string> source_titles;  // English titles of demo library items
};

const std::vector<DemoCase>& Cases() {
  static const std::vector<DemoCase> cases = {
      {"iom",
       {"Salt, storms and the road to the city in a coastal delta",
        "In the low islands of a river delta, cyclones and the slow rise of salt in fields and wells push "
        "families to send someone to work in the cities, and sometimes to leave together.",
        "The delta's islands are protected by embankments built decades ago. Each strong cyclone breaks some "
        "of "
        "them, and sea water stays on the fields for months. Between storms, the tide brings salt further "
        "inland every dry season, so rice grows less well and drinking water must be fetched further "
        "away.\n\n"
        "Families first answer with their own means: a shrimp pond instead of rice, a loan, a son or a "
        "daughter "
        "working in a garment factory. When a cyclone destroys the house, many move for a while to an "
        "embankment or a shelter; some never come back. This is **disaster displacement** after the storm, "
        "and "
        "a slower **environmental migration** in the years between storms.\n\n"
        "Local organisations help people to stay when they can (raised plinths, rain-water tanks, "
        "salt-tolerant "
        "seed) and to move in safety when they choose to (information on jobs and rights in the city).",
        "Farming and fishing families of the delta islands; young workers who move to the cities; older "
        "people who stay behind."},
       {"Sel, tempêtes et route de la ville dans un delta côtier",
        "Dans les îles basses d'un delta, les cyclones et la lente montée du sel dans les champs et les "
        "puits "
        "poussent les familles à envoyer quelqu'un travailler en ville, et parfois à partir ensemble.",
        "Les îles du delta sont protégées par des digues anciennes. Chaque cyclone en rompt une partie et "
        "l'eau "
        "de mer reste des mois sur les champs. Entre deux tempêtes, la marée porte le sel toujours plus loin "
        "à "
        "la saison sèche.\n\n"
        "Les familles répondent d'abord par leurs propres moyens ; quand un cyclone détruit la maison, "
        "beaucoup partent pour un temps, et certains ne reviennent pas.",
        "Familles d'agriculteurs et de pêcheurs ; jeunes travailleurs partis en ville ; personnes âgées "
        "restées "
        "sur place."},
       {"Sal, tormentas y el camino a la ciudad en un delta costero",
        "En las islas bajas de un delta, los ciclones y la lenta subida de la sal en campos y pozos llevan a "
        "las familias a enviar a alguien a trabajar a la ciudad, y a veces a irse juntas.",
        "Las islas del delta están protegidas por diques antiguos. Cada ciclón rompe una parte y el agua del "
        "mar "
        "se queda meses en los campos. Entre tormentas, la marea lleva la sal cada vez más lejos.\n\n"
        "Las familias responden primero con sus propios medios; cuando un ciclón destruye la casa, muchas se "
        "van por un tiempo, y algunas no vuelven.",
        "Familias de agricultores y pescadores; jóvenes que se van a la ciudad; personas mayores que se "
        "quedan."},
       R"({"type":"Polygon","coordinates":[[[89.05,21.75],[89.95,21.75],[89.95,22.55],[89.05,22.55],[89.05,21.75]]]})",
       "slow",
       {"storm", "sea-level-rise", "salinisation", "flood"},
       {"displacement", "migration"},
       {"BGD"},
       2007,
       0,
       {"After the cyclone: shelter, land and return in two coastal districts",
        "Voices from the delta (transcript)"}},
      {"gmpa",
       {"Herders' routes after the rains failed",
        "In a dryland region, years of poor rain and worn pastures change when and where herding families "
        "move, "
        "and send more young people to towns and across borders for the dry season.",
        "Herding families have always moved with the rains. What changed is the rhythm: the rains come later "
        "and stop earlier, wells dry up sooner, and the pastures near the villages are worn out. Herds leave "
        "earlier in the year and go further south, where they meet farmers' fields.\n\n"
        "This **seasonal migration** is a way to adapt, not a failure. It becomes risky when routes are "
        "closed, "
        "when animals die in a **drought**, or when those who cannot move — the poorest families, older "
        "people — are left without help. Organisations here work on agreed corridors, water points, and "
        "cash support in bad years so that families are not forced to sell their last animals.",
        "Herding families, young seasonal workers, and farming villages along the routes."},
       {"Les parcours des éleveurs après l'échec des pluies",
        "Dans une région sèche, des années de pluies faibles et de pâturages épuisés changent le moment et "
        "le "
        "lieu des départs des familles d'éleveurs.",
        "Les familles d'éleveurs ont toujours suivi les pluies. Ce qui change, c'est le rythme : les pluies "
        "arrivent plus tard et s'arrêtent plus tôt, et les puits tarissent plus vite.\n\n"
        "Cette mobilité saisonnière est une adaptation ; elle devient risquée quand les routes se ferment ou "
        "quand les plus pauvres ne peuvent plus partir.",
        "Familles d'éleveurs, jeunes travailleurs saisonniers, villages agricoles le long des parcours."},
       {"Las rutas de los pastores cuando fallaron las lluvias",
        "En una región seca, años de lluvias escasas y pastos agotados cambian cuándo y adónde se mueven las "
        "familias de pastores.",
        "Las familias de pastores siempre se movieron con las lluvias. Lo que cambia es el ritmo: las "
        "lluvias "
        "llegan más tarde y terminan antes, y los pozos se secan antes.\n\n"
        "Esta movilidad estacional es una adaptación; se vuelve peligrosa cuando se cierran las rutas o "
        "cuando "
        "los más pobres ya no pueden irse.",
        "Familias de pastores, jóvenes trabajadores de temporada, aldeas agrícolas a lo largo de las rutas."},
       R"({"type":"Point","coordinates":[1.45,14.2]})",
       "slow",
       {"drought", "land-degradation"},
       {"seasonal", "migration", "immobility"},
       {"NER", "MLI"},
       2010,
       0,
       {"Moving with the seasons: drought and herders' routes in the Sahel",
        "Migration as adaptation: what the evidence allows us to say"}},
      {"gmpa",
       {"A village that moved up the hill",
        "On a Pacific island, a coastal village whose houses were flooded by high tides decided, with the "
        "government, to rebuild further inland: a planned relocation led by the community.",
        "High tides came into the houses more and more often, the sea wall could not keep up, and the land "
        "behind the beach turned salty. After years of talks, the village chose to move to land of its own "
        "on the hill behind.\n\n"
        "A **planned relocation** takes time: agreeing where to go, keeping access to the sea and to the "
        "graves of the ancestors, building houses, water and a school before anyone moves. The people of the "
        "village insisted that the decision be theirs, and that those who wished could keep using the old "
        "site for fishing.",
        "The families of one coastal village, about thirty households."},
       {"Le village qui est monté sur la colline",
        "Sur une île du Pacifique, un village côtier inondé par les grandes marées a décidé, avec le "
        "gouvernement, de se reconstruire plus haut : une réinstallation planifiée menée par la communauté.",
        "Les grandes marées entraient de plus en plus souvent dans les maisons. Après des années de "
        "discussion, "
        "le village a choisi de s'installer sur ses propres terres, sur la colline.\n\n"
        "Une réinstallation planifiée prend du temps : choisir le lieu, garder l'accès à la mer et aux "
        "tombes "
        "des ancêtres, construire avant de partir.",
        "Les familles d'un village côtier, une trentaine de foyers."},
       {"El pueblo que subió a la colina",
        "En una isla del Pacífico, un pueblo costero inundado por las mareas altas decidió, con el gobierno, "
        "reconstruirse más arriba: una reubicación planificada dirigida por la comunidad.",
        "Las mareas altas entraban cada vez más a menudo en las casas. Tras años de conversaciones, el "
        "pueblo "
        "eligió trasladarse a sus propias tierras, en la colina.\n\n"
        "Una reubicación planificada lleva tiempo: elegir el lugar, mantener el acceso al mar y a las tumbas "
        "de "
        "los antepasados, construir antes de irse.",
        "Las familias de un pueblo costero, unos treinta hogares."},
       R"({"type":"Point","coordinates":[179.88,-16.34]})",
       "slow",
       {"sea-level-rise", "coastal-erosion", "flood"},
       {"planned-relocation"},
       {"FJI"},
       2006,
       2014,
       {"Planned relocation and the right to stay"}},
  };
  return cases;
}

}  // namespace

Result<int> LoadAtlas(atlas::AtlasService& svc, library::LibraryService& library) {
  const auto system = accounts::Actor::System();
  // The glossary first: the stories link its terms.
  for (const auto& e : atlas_data::Glossary()) {
    auto existing = svc.Term(e.slug);
    if (existing.ok()) continue;
    if (!existing.status().IsNotFound()) return existing.status();
    atlas::GlossaryTerm t;
    t.slug = e.slug;
    t.texts["en"] = {e.en.term, e.en.definition, e.en.aliases};
    t.texts["fr"] = {e.fr.term, e.fr.definition, e.fr.aliases};
    t.texts["es"] = {e.es.term, e.es.definition, e.es.aliases};
    t.source_note = e.source_note;
    WM_RETURN_IF_ERROR(svc.SaveTerm(system, t, 0).status().WithContext(std::string("demo term ") + e.slug));
  }
  int added = 0;
  std::vector<atlas::Id> published;
  for (const auto& d : Cases()) {
    std::string slug = Slugify(d.en.title, 60, "case");
    auto existing = svc.FindBySlug(slug);
    if (existing.ok()) {
      published.push_back(existing->id);
      continue;
    }
    if (!existing.status().IsNotFound()) return existing.status();
    atlas::CaseInput in;
    in.organisation = d.org;
    atlas::CaseText en = d.en;
    en.story += kDemoNote;
    in.texts = std::map<std::string, atlas::CaseText>{{"en", en}, {"fr", d.fr}, {"es", d.es}};
    in.geometry = d.geometry;
    in.onset = d.onset;
    in.hazards = d.hazards;
    in.movements = d.movements;
    in.countries = d.countries;
    in.year_from = d.year_from;
    in.year_to = d.year_to;
    std::vector<atlas::Id> sources;
    for (const auto& title : d.source_titles) {
      auto item = library.GetBySlug(system, Slugify(title, 60, "item"));
      if (item.ok() && item->lifecycle == library::Lifecycle::kPublished) sources.push_back(item->id);
    }
    in.sources = sources;
    auto created = svc.Create(system, in);
    if (!created.ok())
      return created.status().WithContext("demo case study '" + std::string(d.en.title) + "'");
    WM_RETURN_IF_ERROR(svc.Submit(system, created->id, std::nullopt).status());
    WM_RETURN_IF_ERROR(svc.Publish(system, created->id, std::nullopt).status());
    published.push_back(created->id);
    ++added;
  }
  struct DemoTopic {
    const char* slug;
    int position;
    bool layer;
    atlas::TopicText en, fr, es;
    std::vector<std::size_t> cases;  // indexes into Cases()
  };
  const std::vector<DemoTopic> topics = {
      {"slow-changes",
       1,
       false,
       {"Slow changes, quiet departures",
        "Drought, salt and the rising sea rarely make headlines. They change a place a little every year, "
        "and "
        "people answer with seasonal migration, with one family member working away, and sometimes with a "
        "planned relocation of a whole village. These case studies show how, and who is left behind."},
       {"Changements lents, départs discrets",
        "La sécheresse, le sel et la mer qui monte font rarement la une. Ils changent un lieu un peu chaque "
        "année, et les gens répondent par la mobilité saisonnière ou par une réinstallation planifiée."},
       {"Cambios lentos, partidas discretas",
        "La sequía, la sal y el mar que sube rara vez son noticia. Cambian un lugar un poco cada año, y la "
        "gente responde con la movilidad estacional o con una reubicación planificada."},
       {0, 1, 2}},
      {"when-disaster-strikes",
       2,
       true,
       {"When disaster strikes",
        "Floods and storms displace millions of people every year, most of them inside their own country. "
        "The "
        "map shades each country by the new displacements by disasters that the evidence module holds for "
        "the "
        "latest year."},
       {"Quand la catastrophe frappe",
        "Les inondations et les tempêtes déplacent chaque année des millions de personnes, le plus souvent "
        "dans "
        "leur propre pays. La carte colore chaque pays selon les nouveaux déplacements dus aux "
        "catastrophes."},
       {"Cuando golpea el desastre",
        "Las inundaciones y las tormentas desplazan cada año a millones de personas, sobre todo dentro de su "
        "propio país. El mapa colorea cada país según los nuevos desplazamientos por desastres."},
       {0}},
  };
  for (const auto& t : topics) {
    auto existing = svc.TopicBySlug(t.slug);
    if (existing.ok()) continue;
    if (!existing.status().IsNotFound()) return existing.status();
    atlas::Topic topic;
    topic.slug = t.slug;
    topic.position = t.position;
    topic.displacement_layer = t.layer;
    topic.texts = {{"en", t.en}, {"fr", t.fr}, {"es", t.es}};
    for (std::size_t i : t.cases) {
      if (i < published.size()) topic.cases.push_back(published[i]);
    }
    WM_RETURN_IF_ERROR(
        svc.SaveTopic(system, topic, 0).status().WithContext(std::string("demo topic ") + t.slug));
  }
  return added;
}

}  // namespace waymark::demo
