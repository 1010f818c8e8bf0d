#include "demo/library/library_demo.h"

#include "core/slug.h"
#include "pdf/pdf_writer.h"

namespace waymark::demo {
namespace {

struct DemoItem {
  const char* org;
  const char* type;
  const char* title_en;
  const char* title_fr;  // "" when none
  const char* title_es;
  const char* abstract_en;
  std::vector<library::Name> authors;
  const char* date;
  const char* publisher;
  const char* container;
  const char* doc_language;
  std::vector<std::string> themes;
  std::vector<std::string> keywords;
  std::vector<std::string> countries;
  const char* doi;
  const char* licence;
  std::vector<std::string> pages;  // the PDF's pages; empty: a scan without text
  bool publish = true;
};

const char* const kDemoNote =
    "Demonstration document. This text was written for Waymark's demonstration data; the study it describes "
    "is fictional.";

const std::vector<DemoItem>& Items() {
  static const std::vector<DemoItem> items = {
      {"iom",
       "report",
       "Moving with the seasons: drought and herders' routes in the Sahel",
       "Partir avec les saisons : sécheresse et parcours des éleveurs au Sahel",
       "",
       "How three pastoral communities changed the timing and direction of their seasonal moves after four "
       "dry "
       "years, and what local authorities did to keep corridors open.",
       {{"Diallo", "Aminata", ""},
        {"Keita", "Oumar", ""},
        {"", "", "International Organization for Migration"}},
       "2019-06",
       "International Organization for Migration",
       "",
       "en",
       {"drought-water", "livelihoods", "slow-onset"},
       {"pastoralism", "seasonal mobility"},
       {"MLI", "NER", "SEN"},
       "",
       "cc-by",
       {std::string(kDemoNote) + "\n\nMoving with the seasons.\nDrought and herders' routes in the Sahel.",
        "Findings\nIn the three communities, herders left the dry-season pastures six weeks earlier than a "
        "decade ago. Water points along the corridor were the deciding factor; where boreholes had been "
        "repaired, families stayed together. The word transhumance describes the seasonal movement of "
        "herds between pastures.",
        "Recommendations\nKeep livestock corridors open across district borders, and plan water points with "
        "the herders who use them."}},
      {"idmc",
       "report",
       "Counting people displaced by floods: a method note",
       "",
       "",
       "A short note on how flood displacement figures are built from evacuation records, shelter counts and "
       "damaged housing, and where each source over- or under-counts.",
       {{"Larsen", "Ingrid", ""}, {"Mbeki", "Thabo", ""}},
       "2021",
       "Internal Displacement Monitoring Centre",
       "",
       "en",
       {"data-methods", "disaster-displacement", "floods-storms"},
       {"flood", "displacement figures"},
       {"BGD", "PAK"},
       "10.5555/waymark.demo.0001",
       "cc-by-nc",
       {std::string(kDemoNote) + "\n\nCounting people displaced by floods.",
        "Sources\nEvacuation records count people moved before the water arrives; shelter counts miss those "
        "who stay with relatives; damaged housing multiplied by household size gives an upper bound.",
        "Double counting\nThe same household may appear in two sources. Matching on village and date removes "
        "most duplicates; the residue is reported as a range."}},
      {"coin",
       "brief",
       "Talking about climate and migration without fear",
       "",
       "Hablar de clima y migración sin miedo",
       "A policy brief for campaigners: which words make audiences see people who move as neighbours rather "
       "than threats, tested with focus groups in two countries.",
       {{"", "", "Climate Outreach & Information Network"}},
       "2020-11",
       "Climate Outreach & Information Network",
       "",
       "en",
       {"policy", "migration-adaptation"},
       {"communication", "narratives"},
       {"GBR", "ESP"},
       "",
       "cc-by-sa",
       {std::string(kDemoNote) + "\n\nTalking about climate and migration without fear.",
        "What worked\nStories of a named family and of the place they left worked better than numbers. "
        "Warnings about waves or floods of people made listeners anxious and less willing to help."}},
      {"gmpa",
       "article",
       "Planned relocation and the right to stay",
       "",
       "",
       "An article on the rights at stake when governments move whole villages away from eroding coasts, "
       "with a checklist for consultation before any decision.",
       {{"Rossi", "Giulia", ""}, {"Nguyen", "Van An", ""}, {"Okafor", "Chidi", ""}},
       "2022-03-15",
       "",
       "Journal of Demonstration Studies",
       "en",
       {"planned-relocation", "rights", "sea-level-rise"},
       {"relocation", "consultation"},
       {"FJI", "VNM"},
       "10.5555/waymark.demo.0002",
       "cc-by",
       {std::string(kDemoNote) + "\n\nPlanned relocation and the right to stay.",
        "Consultation\nA relocation decided without the people who will move fails twice: they return, and "
        "trust is lost. The checklist asks who was heard, in which language, and what they could refuse.",
        "Coasts\nWhere the mangrove belt was restored, erosion slowed enough for families to stay another "
        "generation."}},
      {"nrc",
       "case_study",
       "After the cyclone: shelter, land and return in two coastal districts",
       "Après le cyclone : abri, terre et retour dans deux districts côtiers",
       "",
       "A case study of how displaced families regained land and housing after a cyclone, and why tenants "
       "and women heads of household were left behind.",
       {{"", "", "Norwegian Refugee Council"}, {"Haque", "Nasrin", ""}},
       "2018-09",
       "Norwegian Refugee Council",
       "",
       "en",
       {"disaster-displacement", "floods-storms", "gender"},
       {"housing, land and property", "return"},
       {"BGD", "MMR"},
       "",
       "cc-by-nc",
       {std::string(kDemoNote) + "\n\nAfter the cyclone.",
        "Land\nOwners with papers rebuilt within a year. Tenants waited, and many women heads of household "
        "could not prove their claim because the land was registered in a husband's name."}},
      {"icmc",
       "training",
       "Including migrants in disaster drills: a facilitator's guide",
       "Inclure les migrants dans les exercices de catastrophe : guide de l'animateur",
       "Incluir a las personas migrantes en los simulacros de desastre: guía para facilitadores",
       "A guide for local organisations running evacuation drills in neighbourhoods where many residents are "
       "migrants: languages, trust and the places people really gather.",
       {{"", "", "International Catholic Migration Commission"}},
       "2017",
       "International Catholic Migration Commission",
       "",
       "en",
       {"sudden-onset", "cities"},
       {"preparedness", "drills"},
       {"PHL", "THA"},
       "",
       "cc-by",
       {std::string(kDemoNote) + "\n\nIncluding migrants in disaster drills.",
        "Before the drill\nAsk community leaders which languages are spoken and where people meet: markets, "
        "places of worship, bus stations. Announce the drill there.",
        "During the drill\nPair each route marshal with an interpreter. Count who took part, and who did not "
        "come, and ask why."}},
      {"iom",
       "dataset",
       "Survey of households moving after crop failure, three provinces",
       "",
       "",
       "Tables from a household survey on moves after repeated crop failure: who moved, where, for how long, "
       "and what they sent home.",
       {{"", "", "International Organization for Migration"}},
       "2023-01",
       "International Organization for Migration",
       "",
       "en",
       {"data-methods", "remittances", "drought-water"},
       {"household survey", "crop failure"},
       {"ETH", "KEN"},
       "",
       "cc-by",
       {std::string(kDemoNote) + "\n\nSurvey tables.",
        "Table 1\nShare of households with at least one member away for more than three months, by province "
        "and year. Table 2\nRemittances received, by month."}},
      {"drc",
       "report",
       "Heat in the city: migrant workers and extreme temperatures",
       "",
       "",
       "How extreme heat affects migrant construction and farm workers, what employers changed, and what "
       "workers asked for.",
       {{"Andersen", "Mette", ""}, {"Qureshi", "Bilal", ""}},
       "2024-07",
       "Danish Refugee Council",
       "",
       "en",
       {"health", "cities"},
       {"heat", "labour"},
       {"QAT", "IND"},
       "",
       "all-rights-reserved",
       {std::string(kDemoNote) + "\n\nHeat in the city.",
        "Working hours\nWhere midday work stopped during the hottest weeks, heat illness fell. Workers asked "
        "for shade, water and the right to stop without losing pay."}},
      {"aea",
       "brief",
       "L'école qui suit les familles : scolarité et mobilité saisonnière",
       "",
       "La escuela que sigue a las familias",
       "Une note sur la continuité scolaire des enfants dont les familles se déplacent avec les saisons.",
       {{"Ndiaye", "Fatou", ""}},
       "2016-05",
       "Aide et Action International",
       "",
       "fr",
       {"livelihoods", "migration-adaptation"},
       {"éducation", "enfants"},
       {"SEN", "BFA"},
       "",
       "cc-by",
       {std::string(kDemoNote) + "\n\nL'école qui suit les familles.",
        "Constats\nLes enfants qui suivent leurs familles perdent en moyenne trois mois d'école par an. "
        "Un carnet scolaire partagé entre écoles a réduit les redoublements."}},
      {"idmc",
       "map",
       "Map of flood-prone districts and displacement, 2010-2020",
       "",
       "",
       "A scanned atlas sheet showing districts exposed to river floods and the displacement recorded there "
       "over ten years.",
       {{"", "", "Internal Displacement Monitoring Centre"}},
       "2021-02",
       "Internal Displacement Monitoring Centre",
       "",
       "en",
       {"floods-storms", "disaster-displacement"},
       {"map", "river floods"},
       {"NPL", "IND"},
       "",
       "cc-by-nc",
       {}},
      {"coin",
       "video",
       "Voices from the delta (transcript)",
       "",
       "",
       "The transcript of a short film in which farmers and fishers of a river delta describe how salt water "
       "changed their fields and their choices.",
       {{"", "", "Climate Outreach & Information Network"}},
       "2022",
       "Climate Outreach & Information Network",
       "",
       "en",
       {"sea-level-rise", "livelihoods"},
       {"delta", "salinity"},
       {"VNM", "EGY"},
       "",
       "cc-by",
       {std::string(kDemoNote) + "\n\nVoices from the delta.",
        "Transcript\nWe used to grow rice here. Now the water is salty in the dry months, so we raise "
        "shrimp, "
        "and my son works in the city. The salinisation came slowly, then all at once."}},
      {"gmpa",
       "chapter",
       "Migration as adaptation: what the evidence allows us to say",
       "",
       "",
       "A book chapter weighing the evidence for and against treating migration as a way of adapting to "
       "environmental change, and the people who cannot move at all.",
       {{"Rossi", "Giulia", ""}},
       "2020",
       "Demonstration Press",
       "Environmental Change and Human Mobility (demo volume)",
       "en",
       {"migration-adaptation", "trapped-populations"},
       {"adaptation", "immobility"},
       {},
       "",
       "all-rights-reserved",
       {std::string(kDemoNote) + "\n\nMigration as adaptation.",
        "Immobility\nThose with the fewest resources are often the least able to move, and remain exposed. "
        "Counting only those who leave hides them."},
       false},
  };
  return items;
}

}  // namespace

Result<int> LoadLibrary(library::LibraryService& svc, library::TextExtractor& extractor) {
  WM_RETURN_IF_ERROR(svc.SeedVocabularies());
  const auto system = accounts::Actor::System();
  int added = 0;
  for (const auto& d : Items()) {
    auto existing = svc.store().FindBySlug(Slugify(d.title_en, 60, "item"));
    if (existing.ok()) continue;
    if (!existing.status().IsNotFound()) return existing.status();
    library::ItemInput in;
    in.organisation = d.org;
    in.type = d.type;
    std::map<std::string, library::LocalText> texts;
    std::string main_lang = std::string(d.doc_language) == "fr" ? "fr" : "en";
    texts[main_lang] = library::LocalText{d.title_en, d.abstract_en};
    if (*d.title_fr && main_lang != "fr") texts["fr"] = library::LocalText{d.title_fr, ""};
    if (*d.title_es) texts["es"] = library::LocalText{d.title_es, ""};
    in.texts = texts;
    in.authors = d.authors;
    in.date = d.date;
    in.publisher = d.publisher;
    in.container_title = d.container;
    in.doc_language = d.doc_language;
    in.themes = d.themes;
    in.keywords = d.keywords;
    in.countries = d.countries;
    in.doi = d.doi;
    in.licence = d.licence;
    auto created = svc.Create(system, in);
    if (!created.ok())
      return created.status().WithContext(std::string("demo library item '") + d.title_en + "'");
    std::string pdf = d.pages.empty() ? pdf::WriteImageOnlyPdf(1) : pdf::WriteTextPdf(d.pages, d.title_en);
    std::string filename = Slugify(d.title_en, 40, "item") + ".pdf";
    WM_RETURN_IF_ERROR(svc.AddFile(system, created->id, filename, pdf).status());
    WM_RETURN_IF_ERROR(svc.Submit(system, created->id).status());
    if (d.publish) WM_RETURN_IF_ERROR(svc.Publish(system, created->id).status());
    ++added;
  }
  // Extract now: the demo should be searchable inside its files at once.
  for (int round = 0; round < 10; ++round) {
    WM_ASSIGN_OR_RETURN(int done, svc.ExtractPending(extractor, 20));
    if (done == 0) break;
  }
  return added;
}

}  // namespace waymark::demo
