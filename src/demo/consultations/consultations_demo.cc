#include "demo/consultations/consultations_demo.h"

#include "pdf/pdf_writer.h"

#include <vector>

#include "domain/consultations/consultation_service.h"

namespace waymark::demo {
namespace {

using consultations::ConsultationInput;
using consultations::ConsultationService;
using consultations::Id;
using consultations::Localized;
using consultations::Person;
using consultations::PointInput;
using consultations::PointLink;
using consultations::ProgressInput;
using consultations::SessionInput;

// 2015-09-18 18:00 UTC, the evening of the consultation.
constexpr TimestampMs kConsultationDay = 1'442'599'200'000;
constexpr TimestampMs kDayMs = 86'400'000;

const std::vector<std::string>& Participants() {
  static const std::vector<std::string> kNames = {
      "Aide et Action International",
      "Assistance for a Voluntary Return and Reintegration of African Migrants",
      "Caritas Internationalis",
      "Child Helpline International",
      "Climate Outreach & Information Network (COIN)",
      "Danish Refugee Council",
      "Global Coalition on Migration",
      "Global Migration Policy Associates",
      "International Catholic Migration Commission (ICMC)",
      "International Committee of the Red Cross",
      "International Council of Voluntary Agencies (ICVA)",
      "Internal Displacement Monitoring Centre / Norwegian Refugee Council",
      "IEDA Relief",
      "International Commission of Jurists",
      "International Social Service",
      "INTERSOS",
      "International Islamic Relief Organization",
      "Joint Council for the Welfare of Immigrants (JCWI, UK)",
      "Jeunesse en Détresse",
      "Lutheran World Federation",
      "Migrant Help",
      "NGO Committee on Migration",
      "Norwegian Refugee Council",
      "Public Services International",
      "Quaker United Nations Office",
      "Foundation for the Refugee Education Trust (RET International)",
      "Save the Children International",
      "Swiss Academy for Development",
      "Swiss Foundation of the International Social Service",
      "Swiss Health Invest",
      "Terre des Hommes",
      "UNHCR",
      "World Vision International",
      "IOM (International Organization for Migration)"};
  return kNames;
}

struct DemoSession {
  const char* from;
  const char* to;
  const char* type;
  Localized title;
  Localized description;
  std::vector<Person> speakers;
  const char* conclusions;
};

std::vector<DemoSession> Sessions() {
  return {
      {"09:15",
       "10:45",
       "plenary",
       {{"en", "Comprehensive approaches to protecting and saving migrant lives"},
        {"fr", "Des approches globales pour protéger et sauver la vie des migrants"},
        {"es", "Enfoques integrales para proteger y salvar la vida de los migrantes"}},
       {{"en",
         "Mixed migration flows, IOM's protection policy and the Migrants in Countries in Crisis (MICIC) "
         "Initiative."},
        {"fr",
         "Flux migratoires mixtes, politique de protection de l'OIM et initiative MICIC (migrants dans les "
         "pays en crise)."},
        {"es",
         "Flujos migratorios mixtos, la política de protección de la OIM y la Iniciativa MICIC (migrantes "
         "en países en situación de crisis)."}},
       {{"Representative", "Panellist", "Danish Refugee Council"},
        {"Representative", "Panellist", "International Catholic Migration Commission"}},
       "Participants agreed that people crossing the Mediterranean by boat need more than rescue at sea: "
       "safe and regular routes, protection on arrival and **joint** action by IOM and civil society. "
       "The MICIC guidelines were seen as a model for work that brings states and NGOs to one table."},
      {"11:15",
       "12:45",
       "panel",
       {{"en", "Promoting migrant inclusion and integration"},
        {"fr", "Promouvoir l'inclusion et l'intégration des migrants"},
        {"es", "Promover la inclusión y la integración de los migrantes"}},
       {{"en", "Campaigns that change how the public sees migrants, and what makes them work."},
        {"fr",
         "Les campagnes qui changent le regard du public sur les migrants, et ce qui les fait réussir."},
        {"es",
         "Campañas que cambian la mirada del público sobre los migrantes, y lo que las hace funcionar."}},
       {{"Representative", "Panellist", "Joint Council for the Welfare of Immigrants"},
        {"Representative", "Panellist", "IOM"}},
       "Campaigns work best when migrants tell their own stories and when organisations reuse what has "
       "already worked elsewhere. Participants asked for a place to share campaign ideas and for a working "
       "group to carry the subject between consultations."},
      {"14:00",
       "15:30",
       "panel",
       {{"en", "Migration and climate adaptation"},
        {"fr", "Migration et adaptation au changement climatique"},
        {"es", "Migración y adaptación al cambio climático"}},
       {{"en", "Ahead of COP21 in Paris: how human mobility belongs in climate policy."},
        {"fr",
         "Avant la COP21 à Paris\u00a0: la place de la mobilité humaine dans les politiques climatiques."},
        {"es", "Antes de la COP21 en París: el lugar de la movilidad humana en la política climática."}},
       {{"Representative", "Panellist", "Climate Outreach & Information Network"},
        {"Representative", "Panellist", "Internal Displacement Monitoring Centre"}},
       "Migration can be a way of adapting, not only a failure to adapt. Participants wanted better evidence "
       "shared openly, and named the Environmental Migration Portal as the place to pool it."},
      {"16:00",
       "17:30",
       "interactive",
       {{"en", "Migration futures"}, {"fr", "Futurs de la migration"}, {"es", "Futuros de la migración"}},
       {{"en",
         "Scenario building in five areas: conflict and security, technology, prosperity and poverty, "
         "socio-cultural change, governance."},
        {"fr",
         "Construction de scénarios dans cinq domaines\u00a0: conflits et sécurité, technologie, prospérité "
         "et pauvreté, évolutions socioculturelles, gouvernance."},
        {"es",
         "Construcción de escenarios en cinco ámbitos: conflicto y seguridad, tecnología, prosperidad y "
         "pobreza, cambio sociocultural, gobernanza."}},
       {},
       "Groups sketched predicted and preferred futures for 2035 in each area. The exercise was found useful "
       "enough to be **repeated**, so that longer-term thinking shapes today's responses."},
  };
}

struct DemoUpdate {
  int days_after;  // since the consultation
  const char* who;
  const char* text;
  const char* progress;
};

struct DemoPoint {
  const char* number;
  Localized text;
  int session;  // 0-based index into Sessions()
  std::vector<consultations::OwnerInput> owners;
  const char* target;
  std::vector<std::string> themes;
  std::vector<PointLink> links;
  std::vector<consultations::Milestone> milestones;
  std::vector<DemoUpdate> updates;
  const char* status;  // reached after the updates ("" for open)
  const char* parent;  // number of the parent, for a sub-point
  const char* weight;
};

}  // namespace

Result<int> LoadConsultations(accounts::Stores accounts, consultations::ConsultationStore& store,
                              Random& random, const ConsultationLinks& links) {
  auto existing = store.FindConsultationBySlug("2015");
  if (existing.ok()) return 0;
  if (!existing.status().IsNotFound()) return existing.status();
  FakeClock clock(kConsultationDay - 30 * kDayMs);
  consultations::ConsultationOptions options;
  options.documents = links.documents;
  ConsultationService svc(accounts, store, clock, random, nullptr, options);
  accounts::Actor organisers{std::nullopt, "IOM secretariat", "", true};

  ConsultationInput in;
  in.slug = "2015";
  in.title = "IOM and civil society: annual consultation 2015";
  in.year = "2015";
  in.starts_on = "2015-09-18";
  in.ends_on = "2015-09-18";
  in.time_zone = "Europe/Zurich";
  in.venue = "Geneva";
  in.organisers = {"IOM", "NGO Committee on Migration"};
  in.languages = {"en", "fr", "es"};
  in.participants = Participants();
  in.status = "planned";
  WM_ASSIGN_OR_RETURN(consultations::Consultation c, svc.CreateConsultation(organisers, in));
  if (links.documents != nullptr) {
    // The report, as a short PDF of our own words (searchable in the library).
    std::string pdf = pdf::WriteTextPdf(
        {"IOM and civil society: annual consultation 2015. Report. Geneva, 18 September 2015.",
         "Participants discussed migrant inclusion, fair recruitment, the protection of migrants in "
         "countries in crisis and the place of migration in the 2030 Agenda for Sustainable Development.",
         "The consultation ended with seven action points, followed on this site until done."},
        "Report of the 2015 consultation");
    StringByteSource bytes(pdf);
    consultations::DocumentInput doc{"Report of the 2015 consultation", "report", "en",
                                     "consultation-2015-report.pdf", &bytes};
    WM_RETURN_IF_ERROR(svc.AddDocument(organisers, c.id, doc).status());
  }
  std::vector<Id> session_ids;
  for (const auto& s : Sessions()) {
    SessionInput si;
    si.starts = std::string("2015-09-18T") + s.from;
    si.ends = std::string("2015-09-18T") + s.to;
    si.type = s.type;
    si.title = s.title;
    si.description = s.description;
    si.moderator = Person{"IOM representative", "Moderator", "IOM"};
    si.speakers = s.speakers;
    si.conclusions = s.conclusions;
    WM_ASSIGN_OR_RETURN(consultations::Session made, svc.AddSession(organisers, c.id, si));
    session_ids.push_back(made.id);
  }
  clock.SetMs(kConsultationDay);
  WM_ASSIGN_OR_RETURN(c, svc.GetConsultation(c.id));
  in.status = "report_published";
  WM_ASSIGN_OR_RETURN(c, svc.UpdateConsultation(organisers, c.id, c.version, in));

  auto campaign = [&](const char* key, const char* label) -> std::vector<PointLink> {
    auto it = links.campaigns.find(key);
    if (it == links.campaigns.end()) return {};
    return {PointLink{consultations::LinkKind::kCampaign, it->second, label}};
  };
  std::vector<PointLink> group;
  if (links.inclusion_group)
    group.push_back({consultations::LinkKind::kWorkingGroup, *links.inclusion_group,
                     "Working group on migrant inclusion and integration"});
  std::vector<PointLink> ideas = campaign("i-am-a-migrant", "I am a migrant");
  for (auto& l : campaign("migrants-contribute", "Migrants contribute")) ideas.push_back(l);

  std::vector<DemoPoint> points = {
      {"1",
       {{"en", "Do more, together, for migrants making dangerous sea crossings to Europe."},
        {"fr",
         "Faire davantage, ensemble, pour les migrants qui traversent la mer au péril de leur vie vers "
         "l'Europe."},
        {"es", "Hacer más, juntos, por los migrantes que cruzan el mar hacia Europa arriesgando su vida."}},
       0,
       {{"iom", ""}, {"all_csos", ""}},
       "2016-09-30",
       {"protection"},
       {},
       {{"2016-03-31", "Joint statement on rescue at sea", true},
        {"2016-09-30", "Shared referral contacts", false}},
       {{120, "IOM secretariat",
         "A joint statement on search and rescue was drafted with twelve organisations.", "30"},
        {400, "IOM secretariat", "Referral contacts for arrivals in Italy and Greece are being collected.",
         "55"}},
       "in_progress",
       "",
       ""},
      {"2",
       {{"en", "Make IOM's and CSOs' advocacy complement each other."},
        {"fr", "Rendre complémentaires les plaidoyers de l'OIM et des OSC."},
        {"es", "Hacer que la incidencia de la OIM y de las OSC se complementen."}},
       0,
       {{"iom", ""}, {"all_csos", ""}},
       "2016-06-30",
       {"advocacy"},
       {},
       {},
       {{90, "IOM secretariat", "A shared calendar of advocacy moments was opened to civil society.", "60"},
        {280, "IOM secretariat", "Briefings before each major meeting are now held jointly.", "100"}},
       "done",
       "",
       ""},
      {"3",
       {{"en", "Set up a working group on migrant inclusion and integration."},
        {"fr", "Créer un groupe de travail sur l'inclusion et l'intégration des migrants."},
        {"es", "Crear un grupo de trabajo sobre inclusión e integración de los migrantes."}},
       1,
       {{"iom", ""}, {"organisation", "jcwi"}},
       "2016-03-31",
       {"inclusion"},
       group,
       {},
       {{60, "JCWI", "Terms of reference agreed; eleven organisations joined.", "70"},
        {150, "JCWI", "The working group met for the first time and now discusses on the platform.", "100"}},
       "done",
       "",
       ""},
      {"4",
       {{"en", "Build a database and/or platform where campaign ideas are exchanged."},
        {"fr", "Créer une base de données et/ou une plateforme d'échange d'idées de campagnes."},
        {"es", "Crear una base de datos o plataforma donde se intercambien ideas de campañas."}},
       1,
       {{"iom", ""}},
       "2017-09-30",
       {"inclusion", "campaigns"},
       ideas,
       {{"2016-12-31", "Campaign database online", true}, {"2017-09-30", "Discussion space open", false}},
       {{200, "IOM secretariat", "The first campaigns are in the shared database.", ""}},
       "in_progress",
       "",
       ""},
      {"4.1",
       {{"en", "Collect past and current campaigns in one shared database."},
        {"fr", "Rassembler les campagnes passées et actuelles dans une base commune."},
        {"es", "Reunir las campañas pasadas y actuales en una base común."}},
       1,
       {{"iom", ""}},
       "2016-12-31",
       {"campaigns"},
       {},
       {},
       {{300, "IOM secretariat", "Campaigns from eight countries are in, with their material.", "100"}},
       "done",
       "4",
       "2"},
      {"4.2",
       {{"en", "Open a space where organisations discuss and adapt each other's campaigns."},
        {"fr", "Ouvrir un espace où les organisations discutent et adaptent les campagnes des autres."},
        {"es", "Abrir un espacio donde las organizaciones debatan y adapten las campañas de otras."}},
       1,
       {{"iom", ""}, {"all_csos", ""}},
       "2017-09-30",
       {"campaigns"},
       {},
       {},
       {{500, "IOM secretariat", "Discussion threads under each campaign are being tested.", "50"}},
       "in_progress",
       "4",
       "1"},
      {"5",
       {{"en", "Take the Movement against Xenophobia campaign to other countries."},
        {"fr", "Étendre la campagne Mouvement contre la xénophobie à d'autres pays."},
        {"es", "Llevar la campaña Movimiento contra la Xenofobia a otros países."}},
       1,
       {{"iom", ""}, {"organisation", "jcwi"}},
       "2017-12-31",
       {"xenophobia", "campaigns"},
       campaign("movement-against-xenophobia", "Movement against Xenophobia"),
       {{"2016-06-30", "Adaptation kit translated", true}},
       {{250, "JCWI", "The campaign kit is translated into French and Spanish; two adaptations under way.",
         "40"}},
       "in_progress",
       "",
       ""},
      {"6",
       {{"en",
         "Contribute to the Environmental Migration Portal: research, exchange and dialogue on migration "
         "and environment."},
        {"fr",
         "Contribuer au portail sur la migration environnementale\u00a0: recherche, échanges et dialogue sur "
         "migration et environnement."},
        {"es",
         "Contribuir al Portal de Migración Ambiental: investigación, intercambio y diálogo sobre migración "
         "y medio ambiente."}},
       2,
       {{"iom", ""}, {"organisation", "coin"}},
       "2016-12-31",
       {"climate"},
       {},
       {},
       {{100, "COIN", "Three case studies submitted to the portal.", "40"}},
       "in_progress",
       "",
       ""},
      {"7",
       {{"en", "Keep working together on migration futures, to build longer-term thinking into responses."},
        {"fr",
         "Poursuivre ensemble le travail sur les futurs de la migration, pour inscrire la réflexion à long "
         "terme dans les réponses."},
        {"es",
         "Seguir trabajando juntos sobre los futuros de la migración, para incorporar la reflexión a largo "
         "plazo en las respuestas."}},
       3,
       {{"iom", ""}, {"all_csos", ""}},
       "2016-09-30",
       {"futures"},
       {},
       {},
       {},
       "",
       "",
       ""},
  };

  std::map<std::string, Id> ids;
  int added = 0;
  for (const auto& d : points) {
    clock.SetMs(kConsultationDay + kDayMs);
    PointInput pi;
    pi.number = d.number;
    pi.text = d.text;
    pi.session_id = session_ids.at(static_cast<std::size_t>(d.session));
    pi.owners = d.owners;
    pi.target_date = d.target;
    pi.themes = d.themes;
    pi.links = d.links;
    pi.milestones = d.milestones;
    pi.weight = d.weight;
    if (*d.parent) pi.parent_id = ids.at(d.parent);
    WM_ASSIGN_OR_RETURN(consultations::ActionPoint p, svc.CreatePoint(organisers, c.id, pi));
    ids[d.number] = p.id;
    ++added;
    bool started = false;
    for (const auto& u : d.updates) {
      clock.SetMs(kConsultationDay + u.days_after * kDayMs);
      accounts::Actor author{std::nullopt, u.who, "", true};
      WM_RETURN_IF_ERROR(svc.PostProgress(author, p.id, ProgressInput{u.text, {}, u.progress}).status());
      if (!started) {
        WM_RETURN_IF_ERROR(svc.SetStatus(organisers, p.id, "in_progress", 0, "").status());
        started = true;
      }
    }
    if (std::string(d.status) == "done")
      WM_RETURN_IF_ERROR(svc.SetStatus(organisers, p.id, "done", 0, "").status());
  }
  return added;
}

}  // namespace waymark::demo
