// The vocabularies a new installation starts with. The structure (three
// phases, the fifteen themes of the repository of practices, the ten
// principles and fifteen guidelines) follows the MICIC Initiative; every
// label is written in our own words. Moderators may relabel, reorder or
// deactivate terms; codes never change once practices use them.
#include <string>
#include <vector>

#include "domain/practices/model.h"

namespace waymark::practices {
namespace {

struct Labels {
  const char* en;
  const char* fr;
  const char* es;
};

struct Seed {
  const char* code;
  const char* parent;
  Labels labels;
};

// Appends one vocabulary, numbering its terms 1..n in the order given.
void Add(std::vector<Term>& out, const char* vocabulary, const std::vector<Seed>& seeds) {
  int position = 0;
  for (const Seed& s : seeds) {
    Term t;
    t.vocabulary = vocabulary;
    t.code = s.code;
    t.parent = s.parent;
    t.labels = {{"en", s.labels.en}, {"fr", s.labels.fr}, {"es", s.labels.es}};
    t.position = ++position;
    out.push_back(std::move(t));
  }
}

std::vector<Term> BuildSeedTerms() {
  std::vector<Term> terms;

  Add(terms, "phase",
      {
          {"preparedness", "", {"Crisis preparedness", "Préparation aux crises", "Preparación ante crisis"}},
          {"emergency", "", {"Emergency response", "Intervention d'urgence", "Respuesta de emergencia"}},
          {"post-crisis", "", {"Post-crisis action", "Action après la crise", "Acción poscrisis"}},
      });

  Add(terms, "crisis",
      {
          {"conflict", "", {"Conflict", "Conflit", "Conflicto"}},
          {"disaster", "", {"Natural disaster", "Catastrophe naturelle", "Desastre natural"}},
          {"other", "", {"Other crisis", "Autre crise", "Otra crisis"}},
      });

  Add(terms, "theme",
      {
          // Crisis preparedness.
          {"crisis-information",
           "preparedness",
           {"Knowing about crises and their risks", "Connaître les crises et leurs risques",
            "Conocer las crisis y sus riesgos"}},
          {"migrant-information",
           "preparedness",
           {"Knowing where migrants are and what they need",
            "Savoir où sont les migrants et ce dont ils ont besoin",
            "Saber dónde están los migrantes y qué necesitan"}},
          {"empowerment",
           "preparedness",
           {"Helping migrants to help themselves", "Donner aux migrants les moyens d'agir",
            "Fortalecer la capacidad de los migrantes para actuar"}},
          {"response-systems",
           "preparedness",
           {"Including migrants in preparedness and response systems",
            "Inclure les migrants dans les dispositifs de préparation et d'intervention",
            "Incluir a los migrantes en los sistemas de preparación y respuesta"}},
          {"contingency-planning",
           "preparedness",
           {"Contingency planning", "Plans de contingence", "Planes de contingencia"}},
          {"pre-crisis-communication",
           "preparedness",
           {"Reaching migrants before a crisis", "Communiquer avec les migrants avant une crise",
            "Comunicación con los migrantes antes de una crisis"}},
          {"coordination",
           "preparedness",
           {"Working together across actors and borders", "Coordination entre acteurs et entre pays",
            "Coordinación entre actores y entre países"}},
          {"capacity-building",
           "preparedness",
           {"Building skills and capacity", "Renforcement des capacités", "Fortalecimiento de capacidades"}},
          // Emergency response.
          {"crisis-communication",
           "emergency",
           {"Reaching migrants during a crisis", "Communiquer avec les migrants pendant une crise",
            "Comunicación con los migrantes durante una crisis"}},
          {"movement-to-safety",
           "emergency",
           {"Helping migrants reach safety", "Permettre aux migrants de se mettre en sécurité",
            "Facilitar que los migrantes lleguen a un lugar seguro"}},
          {"humanitarian-assistance",
           "emergency",
           {"Humanitarian assistance for migrants", "Assistance humanitaire aux migrants",
            "Asistencia humanitaria a los migrantes"}},
          {"referral",
           "emergency",
           {"Referring migrants to the right service",
            "Orientation des migrants vers les services compétents",
            "Derivación de los migrantes a los servicios adecuados"}},
          {"evacuation",
           "emergency",
           {"Relocation and evacuation", "Relocalisation et évacuation", "Reubicación y evacuación"}},
          // Post-crisis action.
          {"migrant-recovery",
           "post-crisis",
           {"Helping migrants recover and rebuild", "Aider les migrants à se relever et à reconstruire",
            "Apoyar la recuperación de los migrantes"}},
          {"host-recovery",
           "post-crisis",
           {"Helping host communities recover", "Soutenir le relèvement des communautés d'accueil",
            "Apoyar la recuperación de las comunidades de acogida"}},
      });

  Add(terms, "guideline",
      {
          // Principles: they apply at every phase.
          {"p1",
           "",
           {"Act within international law, human rights included",
            "Agir dans le respect du droit international, y compris des droits humains",
            "Actuar conforme al derecho internacional, incluidos los derechos humanos"}},
          {"p2",
           "",
           {"States answer first for migrants on their soil and for their nationals abroad",
            "Les États répondent en premier des migrants sur leur sol et de leurs ressortissants à "
            "l'étranger",
            "Los Estados responden en primer lugar por los migrantes en su territorio y por sus nacionales "
            "en "
            "el extranjero"}},
          {"p3",
           "",
           {"Recognise migrants' agency and draw on their strengths",
            "Reconnaître la capacité d'agir des migrants et s'appuyer sur leurs forces",
            "Reconocer la capacidad de acción de los migrantes y apoyarse en sus fortalezas"}},
          {"p4",
           "",
           {"Protect every migrant without discrimination, whatever their status",
            "Protéger chaque migrant sans discrimination, quel que soit son statut",
            "Proteger a cada migrante sin discriminación, sea cual sea su situación"}},
          {"p5",
           "",
           {"Give particular care to migrants in vulnerable situations",
            "Porter une attention particulière aux migrants en situation de vulnérabilité",
            "Prestar especial atención a los migrantes en situación de vulnerabilidad"}},
          {"p6",
           "",
           {"Coordinate among states and with every stakeholder",
            "Se coordonner entre États et avec toutes les parties prenantes",
            "Coordinarse entre Estados y con todas las partes interesadas"}},
          {"p7",
           "",
           {"Build on the systems and arrangements that already exist",
            "S'appuyer sur les dispositifs et mécanismes qui existent déjà",
            "Aprovechar los sistemas y mecanismos ya existentes"}},
          {"p8",
           "",
           {"Strengthen the capacity of every actor involved",
            "Renforcer les capacités de tous les acteurs concernés",
            "Fortalecer las capacidades de todos los actores implicados"}},
          {"p9",
           "",
           {"Involve employers and the private sector as partners",
            "Associer les employeurs et le secteur privé comme partenaires",
            "Involucrar a los empleadores y al sector privado como socios"}},
          {"p10",
           "",
           {"Plan for migrants at every phase, from preparedness to recovery",
            "Penser aux migrants à chaque phase, de la préparation au relèvement",
            "Tener en cuenta a los migrantes en cada fase, de la preparación a la recuperación"}},
          // Guidelines for crisis preparedness.
          {"g1",
           "preparedness",
           {"Follow how crises develop and what they mean for migrants",
            "Suivre l'évolution des crises et leurs effets sur les migrants",
            "Seguir la evolución de las crisis y sus efectos en los migrantes"}},
          {"g2",
           "preparedness",
           {"Know where migrants are, and share that knowledge with care",
            "Savoir où se trouvent les migrants et partager ces données avec précaution",
            "Saber dónde se encuentran los migrantes y compartir esos datos con cuidado"}},
          {"g3",
           "preparedness",
           {"Give migrants what they need to protect themselves",
            "Donner aux migrants les moyens de se protéger eux-mêmes",
            "Dar a los migrantes los medios para protegerse por sí mismos"}},
          {"g4",
           "preparedness",
           {"Include migrants in prevention, preparedness and emergency plans",
            "Intégrer les migrants dans la prévention, la préparation et les plans d'urgence",
            "Integrar a los migrantes en la prevención, la preparación y los planes de emergencia"}},
          {"g5",
           "preparedness",
           {"Agree in advance with other states and actors who does what",
            "Convenir à l'avance avec les autres États et acteurs du rôle de chacun",
            "Acordar de antemano con otros Estados y actores qué hace cada uno"}},
          {"g6",
           "preparedness",
           {"Train and equip the people who will respond",
            "Former et équiper celles et ceux qui interviendront",
            "Formar y equipar a quienes van a intervenir"}},
          // Guidelines for the emergency response.
          {"g7",
           "emergency",
           {"Communicate clearly with migrants, in their languages",
            "Communiquer clairement avec les migrants, dans leurs langues",
            "Comunicarse con claridad con los migrantes, en sus idiomas"}},
          {"g8",
           "emergency",
           {"Let migrants move to safety, lifting administrative obstacles",
            "Permettre aux migrants de se mettre à l'abri en levant les obstacles administratifs",
            "Permitir que los migrantes se pongan a salvo, eliminando los obstáculos administrativos"}},
          {"g9",
           "emergency",
           {"Provide humanitarian assistance without discrimination",
            "Fournir une assistance humanitaire sans discrimination",
            "Prestar asistencia humanitaria sin discriminación"}},
          {"g10",
           "emergency",
           {"Set up clear referral arrangements between responders",
            "Établir des circuits d'orientation clairs entre intervenants",
            "Establecer vías de derivación claras entre los actores de la respuesta"}},
          {"g11",
           "emergency",
           {"Relocate or evacuate migrants when they need it",
            "Relocaliser ou évacuer les migrants lorsque c'est nécessaire",
            "Reubicar o evacuar a los migrantes cuando sea necesario"}},
          // Guidelines for post-crisis action.
          {"g12",
           "post-crisis",
           {"Meet migrants' immediate needs after the crisis",
            "Répondre aux besoins immédiats des migrants après la crise",
            "Atender las necesidades inmediatas de los migrantes tras la crisis"}},
          {"g13",
           "post-crisis",
           {"Support migrants' recovery, where they stay or where they return",
            "Soutenir le relèvement des migrants, qu'ils restent ou qu'ils rentrent",
            "Apoyar la recuperación de los migrantes, se queden o regresen"}},
          {"g14",
           "post-crisis",
           {"Support the communities that receive returning migrants",
            "Soutenir les communautés qui accueillent les migrants de retour",
            "Apoyar a las comunidades que reciben a los migrantes que regresan"}},
          {"g15",
           "post-crisis",
           {"Learn from each crisis and improve the response",
            "Tirer les leçons de chaque crise pour mieux intervenir",
            "Aprender de cada crisis para mejorar la respuesta"}},
      });

  Add(terms, "actor",
      {
          {"state-host", "", {"Host state", "État d'accueil", "Estado de acogida"}},
          {"state-origin", "", {"State of origin", "État d'origine", "Estado de origen"}},
          {"state-transit", "", {"Transit state", "État de transit", "Estado de tránsito"}},
          {"local-authority", "", {"Local authority", "Autorité locale", "Autoridad local"}},
          {"international-organisation",
           "",
           {"International organisation", "Organisation internationale", "Organización internacional"}},
          {"civil-society",
           "",
           {"Civil-society organisation", "Organisation de la société civile",
            "Organización de la sociedad civil"}},
          {"migrant-association",
           "",
           {"Migrant association", "Association de migrants", "Asociación de migrantes"}},
          {"diaspora", "", {"Diaspora group", "Groupe de la diaspora", "Grupo de la diáspora"}},
          {"private-sector", "", {"Private sector", "Secteur privé", "Sector privado"}},
          {"employer", "", {"Employer", "Employeur", "Empleador"}},
          {"recruiter", "", {"Recruitment agency", "Agence de recrutement", "Agencia de contratación"}},
          {"service-provider", "", {"Service provider", "Prestataire de services", "Proveedor de servicios"}},
          {"academia",
           "",
           {"Academia and research", "Université et recherche", "Universidad e investigación"}},
          {"media", "", {"Media", "Médias", "Medios de comunicación"}},
      });

  Add(terms, "target",
      {
          {"migrants-in-transit",
           "",
           {"Migrants in transit", "Migrants en transit", "Migrantes en tránsito"}},
          {"women", "", {"Women", "Femmes", "Mujeres"}},
          {"children", "", {"Children", "Enfants", "Niños, niñas y adolescentes"}},
          {"unaccompanied-children",
           "",
           {"Unaccompanied and separated children", "Enfants non accompagnés ou séparés",
            "Niños no acompañados o separados"}},
          {"domestic-workers",
           "",
           {"Domestic workers", "Travailleurs domestiques", "Trabajadoras y trabajadores domésticos"}},
          {"undocumented",
           "",
           {"Migrants without documents", "Migrants sans papiers", "Migrantes indocumentados"}},
          {"older-people", "", {"Older people", "Personnes âgées", "Personas mayores"}},
          {"people-with-disabilities",
           "",
           {"People with disabilities", "Personnes handicapées", "Personas con discapacidad"}},
          {"migrant-workers", "", {"Migrant workers", "Travailleurs migrants", "Trabajadores migrantes"}},
          {"students", "", {"International students", "Étudiants étrangers", "Estudiantes extranjeros"}},
          {"trafficking-victims",
           "",
           {"Victims of trafficking", "Victimes de la traite", "Víctimas de trata"}},
          {"host-communities", "", {"Host communities", "Communautés d'accueil", "Comunidades de acogida"}},
      });

  Add(terms, "type",
      {
          {"agreement", "", {"Agreement or arrangement", "Accord ou arrangement", "Acuerdo o arreglo"}},
          {"assistance-programme",
           "",
           {"Assistance programme", "Programme d'assistance", "Programa de asistencia"}},
          {"information-campaign",
           "",
           {"Information campaign", "Campagne d'information", "Campaña de información"}},
          {"training", "", {"Training", "Formation", "Formación"}},
          {"hotline", "", {"Hotline or helpline", "Ligne d'assistance téléphonique", "Línea de ayuda"}},
          {"registration",
           "",
           {"Registration of migrants", "Enregistrement des migrants", "Registro de migrantes"}},
          {"evacuation-operation",
           "",
           {"Evacuation operation", "Opération d'évacuation", "Operación de evacuación"}},
          {"coordination-mechanism",
           "",
           {"Coordination mechanism", "Mécanisme de coordination", "Mecanismo de coordinación"}},
          {"tool-or-app", "", {"Tool or app", "Outil ou application", "Herramienta o aplicación"}},
          {"guidance", "", {"Guidance or handbook", "Guide ou manuel", "Guía o manual"}},
          {"legal-aid", "", {"Legal aid", "Aide juridique", "Asistencia jurídica"}},
          {"reintegration-programme",
           "",
           {"Reintegration programme", "Programme de réintégration", "Programa de reintegración"}},
          {"other", "", {"Other", "Autre", "Otro"}},
      });

  return terms;
}

}  // namespace

const std::vector<Term>& SeedTerms() {
  static const std::vector<Term> terms = BuildSeedTerms();
  return terms;
}

}  // namespace waymark::practices
