// The seeded theme vocabulary of the library: the ground that research on
// migration, environment and climate change covers, in our own words.
// Moderators add, rename and retire themes; seeding never changes an edited
// one.
#include "domain/library/model.h"

namespace waymark::library {

const std::vector<Term>& SeedTerms() {
  static const std::vector<Term> kTerms = [] {
    struct Row {
      const char* code;
      const char* en;
      const char* fr;
      const char* es;
    };
    static constexpr Row kThemes[] = {
        {"sudden-onset", "Sudden-onset disasters", "Catastrophes soudaines", "Desastres repentinos"},
        {"slow-onset", "Slow-onset processes", "Phénomènes à évolution lente", "Procesos de evolución lenta"},
        {"disaster-displacement", "Disaster displacement", "Déplacements liés aux catastrophes",
         "Desplazamiento por desastres"},
        {"planned-relocation", "Planned relocation", "Réinstallation planifiée", "Reubicación planificada"},
        {"migration-adaptation", "Migration as adaptation", "La migration comme adaptation",
         "La migración como adaptación"},
        {"trapped-populations", "People unable to move", "Populations qui ne peuvent pas partir",
         "Poblaciones que no pueden desplazarse"},
        {"drought-water", "Drought and water scarcity", "Sécheresse et pénurie d'eau",
         "Sequía y escasez de agua"},
        {"floods-storms", "Floods and storms", "Inondations et tempêtes", "Inundaciones y tormentas"},
        {"sea-level-rise", "Sea-level rise and coasts", "Élévation du niveau de la mer et littoraux",
         "Aumento del nivel del mar y costas"},
        {"land-degradation", "Land degradation and desertification",
         "Dégradation des terres et désertification", "Degradación de tierras y desertificación"},
        {"livelihoods", "Rural livelihoods and pastoralism", "Moyens de subsistance ruraux et pastoralisme",
         "Medios de vida rurales y pastoralismo"},
        {"cities", "Cities and urbanisation", "Villes et urbanisation", "Ciudades y urbanización"},
        {"health", "Health", "Santé", "Salud"},
        {"gender", "Gender", "Genre", "Género"},
        {"rights", "Human rights and protection", "Droits humains et protection",
         "Derechos humanos y protección"},
        {"policy", "Policy and governance", "Politiques et gouvernance", "Políticas y gobernanza"},
        {"data-methods", "Data and methods", "Données et méthodes", "Datos y métodos"},
        {"remittances", "Remittances and resilience", "Transferts de fonds et résilience",
         "Remesas y resiliencia"},
    };
    std::vector<Term> out;
    int position = 0;
    for (const Row& r : kThemes) {
      out.push_back(Term{"theme", r.code, {{"en", r.en}, {"fr", r.fr}, {"es", r.es}}, position++, true});
    }
    return out;
  }();
  return kTerms;
}

}  // namespace waymark::library
