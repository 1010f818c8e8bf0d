#include "demo/thesaurus/thesaurus_demo.h"

#include <map>
#include <string>
#include <vector>

namespace waymark::demo {
namespace {

struct DemoConcept {
  const char* slug;
  std::vector<std::string> en;
  std::vector<std::string> fr;
  std::vector<std::string> es;
};

const std::vector<DemoConcept>& Concepts() {
  static const std::vector<DemoConcept> kConcepts = {
      {"xenophobia", {"xenophobia"}, {"xénophobie"}, {"xenofobia"}},
      {"immigrant", {"immigrant"}, {"immigrant", "immigré"}, {"inmigrante"}},
      {"emigrant", {"emigrant"}, {"émigrant", "émigré"}, {"emigrante"}},
      {"migrant", {"migrant"}, {"migrant"}, {"migrante"}},
      {"migrant-worker", {"migrant worker"}, {"travailleur migrant"}, {"trabajador migrante"}},
      {"refugee", {"refugee"}, {"réfugié"}, {"refugiado"}},
      {"asylum-seeker", {"asylum seeker", "asylum-seeker"}, {"demandeur d'asile"}, {"solicitante de asilo"}},
      {"integration", {"integration"}, {"intégration"}, {"integración"}},
      {"inclusion", {"inclusion", "social inclusion"}, {"inclusion", "inclusion sociale"}, {"inclusión"}},
      {"discrimination", {"discrimination"}, {"discrimination"}, {"discriminación"}},
      {"racism", {"racism"}, {"racisme"}, {"racismo"}},
      {"trafficking",
       {"trafficking in persons", "human trafficking", "trafficking"},
       {"traite des personnes", "traite des êtres humains", "traite"},
       {"trata de personas", "trata"}},
      {"smuggling",
       {"smuggling of migrants", "migrant smuggling", "smuggling"},
       {"trafic illicite de migrants", "passeurs"},
       {"tráfico ilícito de migrantes", "tráfico de migrantes"}},
      {"remittances", {"remittances"}, {"transferts de fonds", "envois de fonds"}, {"remesas"}},
      {"diaspora", {"diaspora"}, {"diaspora"}, {"diáspora"}},
      {"return", {"return", "voluntary return"}, {"retour", "retour volontaire"}, {"retorno", "regreso"}},
      {"displacement",
       {"displacement", "forced displacement"},
       {"déplacement", "déplacement forcé"},
       {"desplazamiento", "desplazamiento forzado"}},
      {"internally-displaced-person",
       {"internally displaced person", "IDP"},
       {"personne déplacée à l'intérieur de son propre pays", "déplacé interne"},
       {"desplazado interno"}},
      {"labour-migration",
       {"labour migration", "labor migration"},
       {"migration de main-d'œuvre"},
       {"migración laboral"}},
      {"resettlement", {"resettlement"}, {"réinstallation"}, {"reasentamiento"}},
      {"family-reunification",
       {"family reunification"},
       {"regroupement familial"},
       {"reunificación familiar"}},
      {"stateless-person",
       {"stateless person", "statelessness"},
       {"apatride", "apatridie"},
       {"apátrida", "apatridia"}},
  };
  return kConcepts;
}

}  // namespace

Result<int> LoadThesaurus(thesaurus::ThesaurusService& svc) {
  int added = 0;
  accounts::Actor op = accounts::Actor::Cli();
  for (const auto& d : Concepts()) {
    auto existing = svc.FindBySlug(d.slug);
    if (existing.ok()) continue;
    if (!existing.status().IsNotFound()) return existing.status();
    thesaurus::ConceptInput in;
    in.slug = d.slug;
    in.terms = std::map<std::string, std::vector<std::string>>{{"en", d.en}, {"fr", d.fr}, {"es", d.es}};
    WM_ASSIGN_OR_RETURN(thesaurus::Concept c, svc.Propose(op, in));
    WM_ASSIGN_OR_RETURN(c, svc.Approve(op, c.id, c.version));
    ++added;
  }
  return added;
}

}  // namespace waymark::demo
