// Demo campaigns, built from the campaigns named in the 2015 IOM-CSO
// Consultations report. The campaign names and organisations come from the
// report; summaries are short descriptions written for the demo, not
// quotations. Idempotent: a campaign that exists is left alone.
#include "demo/campaigns/campaigns_demo.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace waymark::demo {
namespace {

using campaigns::CampaignInput;
using campaigns::LocalText;

struct DemoCampaign {
  std::string slug;      // a name for cross-references in this file
  std::string adapt_of;  // slug of the source, when an adaptation
  std::string org;
  std::map<std::string, LocalText> texts;
  std::vector<std::string> countries, themes, channels, audiences;
  std::string start, end, stage, licence;
  std::vector<campaigns::Figure> figures;
};

const std::vector<DemoCampaign>& DemoCampaigns() {
  static const std::vector<DemoCampaign> list = {
      {"i-am-an-immigrant",
       "",
       "jcwi",
       {{"en",
         {"I am an Immigrant",
          "A crowdfunded poster campaign in the London Underground: immigrants who live and work in Britain, "
          "in their own words.",
          "Posters showed immigrants — a firefighter, a doctor, a shop owner — with a line about what they "
          "do "
          "and why Britain is home.\n\n**What worked:** real people, real jobs, no statistics; funding "
          "raised "
          "from the public, so the campaign itself was a show of support.\n\n*Demo content, summarised for "
          "Waymark.*"}},
        {"fr",
         {"Je suis un immigré",
          "Une campagne d'affiches financée par le public dans le métro de Londres : des immigrés qui vivent "
          "et "
          "travaillent au Royaume-Uni racontent qui ils sont.",
          "Des affiches montrant des immigrés — pompier, médecin, commerçante — avec une phrase sur leur "
          "métier et sur ce qui fait de la Grande-Bretagne leur pays.\n\n*Contenu de démonstration.*"}}},
       {"GBR"},
       {"public-perception", "xenophobia", "inclusion"},
       {"posters", "crowdfunding", "social_media"},
       {"general public", "commuters"},
       "2015-03-01",
       "2015-06-30",
       "ended",
       "cc-by",
       {{"posters", 500}, {"donors", 900}}},
      {"i-am-a-migrant",
       "i-am-an-immigrant",
       "iom",
       {{"en",
         {"I am a Migrant",
          "IOM's adaptation of \"I am an Immigrant\": immigrants and emigrants alike tell their stories "
          "online "
          "and on posters.",
          "Adapted from JCWI's London posters to speak of every migrant, those who arrive and those who "
          "leave. Anyone may add their story on the website; stories are moderated and translated.\n\n*Demo "
          "content, summarised for Waymark.*"}},
        {"fr",
         {"Je suis un migrant",
          "L'adaptation par l'OIM de « I am an Immigrant » : immigrés et émigrés racontent leur histoire.",
          "Les affiches de Londres deviennent une campagne mondiale sur les migrants qui arrivent comme sur "
          "ceux qui partent. Chacun peut y ajouter son histoire.\n\n*Contenu de démonstration.*"}},
        {"es",
         {"Soy migrante",
          "La adaptación de la OIM de «I am an Immigrant»: inmigrantes y emigrantes cuentan su historia.",
          "Los carteles de Londres se convierten en una campaña mundial sobre quienes llegan y quienes se "
          "van. Cualquiera puede sumar su historia.\n\n*Contenido de demostración.*"}}},
       {"CHE", "GBR", "ITA", "MEX", "PHL"},
       {"public-perception", "inclusion"},
       {"posters", "social_media", "video"},
       {"general public", "migrants"},
       "2015-12-18",
       "",
       "running",
       "cc-by",
       {{"stories", 300}}},
      {"migrants-contribute",
       "",
       "iom",
       {{"en",
         {"Migrants Contribute",
          "How migrants contribute to the places they live in, and their right to take part, including by "
          "voting in local elections.",
          "A campaign on civic participation: migrants as neighbours, workers, voters and "
          "volunteers.\n\n*Demo "
          "content, summarised for Waymark.*"}},
        {"es",
         {"Los migrantes contribuyen",
          "Cómo los migrantes contribuyen a los lugares donde viven y su derecho a participar, incluido el "
          "voto "
          "local.",
          "Una campaña sobre participación cívica.\n\n*Contenido de demostración.*"}}},
       {"CHE", "BEL"},
       {"civic-participation", "integration", "inclusion"},
       {"social_media", "events", "press"},
       {"local authorities", "general public"},
       "2015-09-01",
       "",
       "running",
       "cc-by",
       {}},
      {"migrants-telling-their-own-stories",
       "",
       "iom",
       {{"en",
         {"Migrants telling their own stories",
          "A smartphone video competition: migrants film a short story of their own life.",
          "Entrants used only a phone. The best films were shown at the Global Migration Film Festival.\n\n"
          "*Demo content, summarised for Waymark.*"}},
        {"fr",
         {"Des migrants racontent leur propre histoire",
          "Un concours de vidéos sur smartphone : des migrants filment un court récit de leur vie.",
          "Un téléphone suffit pour participer.\n\n*Contenu de démonstration.*"}}},
       {"CHE"},
       {"public-perception"},
       {"video", "social_media", "events"},
       {"young people", "migrants"},
       "2016-01-15",
       "2016-06-30",
       "ended",
       "cc-by-nc",
       {{"films", 120}}},
      {"movement-against-xenophobia",
       "",
       "gcm",
       {{"en",
         {"Movement against Xenophobia",
          "A coalition campaign against xenophobic violence: public marches, a pledge, and trainings for "
          "journalists.",
          "Started by civil-society groups after a wave of attacks on foreigners. The 2015 consultation "
          "asked "
          "to take it to other countries (action point 5).\n\n*Demo content, summarised for Waymark.*"}}},
       {"ZAF"},
       {"xenophobia", "protection"},
       {"events", "press", "social_media"},
       {"general public", "journalists"},
       "2015-04-01",
       "",
       "running",
       "cc-by-sa",
       {{"marchers", 10000}}},
      {"movimiento-contra-la-xenofobia",
       "movement-against-xenophobia",
       "icmc",
       {{"es",
         {"Movimiento contra la xenofobia",
          "La campaña llega a Ecuador: marchas, un compromiso público y formación para periodistas.",
          "Adaptación del Movimiento contra la Xenofobia para ciudades de Ecuador.\n\n*Contenido de "
          "demostración.*"}}},
       {"ECU"},
       {"xenophobia", "protection"},
       {"events", "press"},
       {"journalists"},
       "2016-03-01",
       "",
       "planned",
       "cc-by-sa",
       {}},
      {"mouvement-contre-la-xenophobie",
       "movement-against-xenophobia",
       "aea",
       {{"fr",
         {"Mouvement contre la xénophobie",
          "La campagne adaptée au Sénégal et en Côte d'Ivoire : des marches et des ateliers pour les médias.",
          "Adaptation francophone du Mouvement contre la xénophobie.\n\n*Contenu de démonstration.*"}}},
       {"SEN", "CIV"},
       {"xenophobia"},
       {"events", "press"},
       {"journalists", "general public"},
       "2016-05-01",
       "",
       "planned",
       "cc-by-sa",
       {}},
      {"movement-against-xenophobia-greece",
       "movement-against-xenophobia",
       "caritas",
       {{"en",
         {"Movement against Xenophobia — Greece",
          "The movement adapted for Athens and the islands: neighbourhood events with newly arrived people.",
          "Adapted with local parishes.\n\n*Demo content, summarised for Waymark.*"}}},
       {"GRC"},
       {"xenophobia", "inclusion"},
       {"events"},
       {"neighbours"},
       "2016-02-01",
       "",
       "running",
       "cc-by-sa",
       {}},
  };
  return list;
}

}  // namespace

Result<CampaignsReport> LoadCampaigns(accounts::AccountService& accounts, campaigns::CampaignService& svc,
                                      const CampaignAdded& on_added) {
  accounts::Actor system = accounts::Actor::System();
  CampaignsReport report;
  std::map<std::string, accounts::Id>& ids = report.ids;
  int& added = report.added;
  for (const DemoCampaign& d : DemoCampaigns()) {
    // Already there? Recognised by organisation and title (an adaptation's
    // slug comes from its source's title, so slugs cannot tell).
    WM_ASSIGN_OR_RETURN(accounts::Organisation org, accounts.GetOrganisation(d.org));
    WM_ASSIGN_OR_RETURN(std::vector<campaigns::Campaign> theirs, svc.store().ListByOrganisation(org.id, 500));
    const std::string& title = d.texts.begin()->second.title;
    bool found = false;
    for (const auto& t : theirs) {
      auto text = t.texts.find(d.texts.begin()->first);
      if (text != t.texts.end() && text->second.title == title) {
        ids[d.slug] = t.id;
        found = true;
        break;
      }
    }
    if (found) continue;

    CampaignInput in;
    in.texts = d.texts;
    in.countries = d.countries;
    in.themes = d.themes;
    in.channels = d.channels;
    in.audiences = d.audiences;
    in.start_date = d.start;
    in.end_date = d.end;
    in.stage = d.stage;
    in.licence = d.licence;
    in.figures = d.figures;
    in.contact = "campaigns@" + d.org + ".demo.waymark.example";
    campaigns::Campaign c;
    if (d.adapt_of.empty()) {
      in.organisation = d.org;
      WM_ASSIGN_OR_RETURN(c, svc.Create(system, in));
    } else {
      auto src = ids.find(d.adapt_of);
      if (src == ids.end())
        return Status::Internal("demo campaign " + d.slug + " adapts an unknown campaign");
      WM_ASSIGN_OR_RETURN(campaigns::Campaign draft, svc.Adapt(system, src->second, d.org));
      // The adaptation speaks its own languages: drop the source's others.
      for (const auto& [lang, text] : draft.texts) {
        if (!d.texts.count(lang)) (*in.texts)[lang] = LocalText{};
      }
      WM_ASSIGN_OR_RETURN(c, svc.Update(system, draft.id, in));
    }
    WM_RETURN_IF_ERROR(svc.Submit(system, c.id).status());
    WM_RETURN_IF_ERROR(svc.Publish(system, c.id).status());
    ids[d.slug] = c.id;
    ++added;
    if (on_added) WM_RETURN_IF_ERROR(on_added(d.slug, c.id));
  }
  return report;
}

}  // namespace waymark::demo
