#include "demo/practices/practices_demo_data.h"

#include <string>
#include <utility>
#include <vector>

namespace waymark::demo {
namespace {

using practices::LocalText;
using practices::Party;
using practices::PlaceRole;
using practices::Practice;
using practices::Sensitivity;

// A registered demo organisation (slug as in the accounts demo).
Party Org(const char* slug, const char* name, const char* actor_kind) {
  Party p;
  p.slug = slug;
  p.name = name;
  p.actor_kind = actor_kind;
  return p;
}

// An organisation named in free text.
Party Named(const char* name, const char* actor_kind) {
  Party p;
  p.name = name;
  p.actor_kind = actor_kind;
  return p;
}

// A registered lead and its registered partners, kept in step with the slugs.
void SetParties(DemoPractice& d, Party lead, std::vector<Party> partners) {
  d.lead_org_slug = lead.slug;
  d.practice.lead = std::move(lead);
  for (const Party& p : partners) {
    if (!p.slug.empty()) d.partner_org_slugs.push_back(p.slug);
  }
  d.practice.partners = std::move(partners);
}

// ---------------------------------------------------------------------------
// Emergency response, conflict: evacuation (en, fr).
DemoPractice Evacuation() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["en"] = LocalText{
      .title = "Evacuating stranded migrant workers from a country at war",
      .summary =
          "When fighting spread, thousands of foreign workers lost their jobs, their wages and any safe way "
          "home. "
          "An international organisation set up a joint cell with the countries of origin and the "
          "neighbouring "
          "states to move people across the borders, look after them in transit and fly them home, the most "
          "vulnerable first.",
      .problem =
          "Many workers had no passport (their employers kept it), no savings and no consulate within reach. "
          "Their governments had neither the money nor the logistics to bring them back, and the border "
          "crossings were overwhelmed.",
      .description =
          "- A joint cell with the origin countries' representatives matched seats on flights to the number "
          "of "
          "nationals waiting at each border point.\n"
          "- Teams at the transit sites registered each person, checked identities with the consulates and "
          "obtained emergency travel documents for those without a passport.\n"
          "- Buses took people from the border to the nearest airports; chartered flights took them home.\n"
          "- Children travelling alone, pregnant women, the sick and the injured left first.",
      .results =
          "Most people registered at the transit sites left within two weeks of arriving. Departure lists "
          "were "
          "sent to the consulates every day, so that families at home knew when to expect their relatives.",
      .lessons =
          "- Agree on funding before the crisis: the first flights waited for money, not for planes.\n"
          "- Keep a roster of staff who can register people and issue documents at short notice.\n"
          "- People arrive home with nothing; the evacuation should hand them over to a reintegration "
          "service, "
          "not leave them at the airport.",
      .resources =
          "Flights and buses were the largest cost, covered by an emergency appeal to donor governments. "
          "Around "
          "forty staff worked at the border points, with interpreters hired locally.",
      .transferability =
          "Needs a standing arrangement with airlines or a charter broker, consular staff able to issue "
          "emergency travel documents, and a registration tool that works offline.",
  };
  p.texts["fr"] = LocalText{
      .title = "Évacuer les travailleurs migrants bloqués dans un pays en guerre",
      .summary =
          "Quand les combats se sont étendus, des milliers de travailleurs étrangers ont perdu leur emploi, "
          "leur salaire et tout moyen sûr de rentrer. Une organisation internationale a mis en place une "
          "cellule "
          "commune avec les pays d'origine et les États voisins pour faire passer les frontières, accueillir "
          "les "
          "personnes en transit et organiser les vols de retour, en commençant par les plus vulnérables.",
      .problem =
          "Beaucoup de travailleurs n'avaient plus de passeport (l'employeur le gardait), pas d'économies et "
          "aucun consulat à proximité. Leurs gouvernements n'avaient ni les fonds ni la logistique "
          "nécessaires, "
          "et les postes-frontières étaient saturés.",
      .description =
          "- Une cellule commune avec les représentants des pays d'origine répartissait les places dans les "
          "avions selon le nombre de ressortissants présents à chaque point de passage.\n"
          "- Aux sites de transit, des équipes enregistraient chaque personne, vérifiaient son identité avec "
          "les consulats et obtenaient des titres de voyage d'urgence.\n"
          "- Des cars conduisaient les personnes jusqu'aux aéroports, d'où partaient des vols affrétés.\n"
          "- Les enfants seuls, les femmes enceintes, les malades et les blessés partaient en premier.",
      .results =
          "La plupart des personnes enregistrées ont quitté les sites de transit en moins de deux semaines. "
          "Les "
          "listes de départ étaient transmises chaque jour aux consulats pour prévenir les familles.",
      .lessons =
          "- Prévoir le financement avant la crise : les premiers vols ont attendu l'argent, pas les "
          "avions.\n"
          "- Garder une liste de personnes capables d'enregistrer et de délivrer des documents rapidement.\n"
          "- Les personnes rentrent sans rien : l'évacuation doit déboucher sur un accompagnement au retour.",
      .transferability =
          "Il faut un accord préalable avec des compagnies aériennes, des agents consulaires habilités à "
          "délivrer des titres de voyage d'urgence et un outil d'enregistrement utilisable hors ligne.",
  };
  SetParties(d, Org("iom", "International Organization for Migration", "international-organisation"),
             {Org("icrc", "International Committee of the Red Cross", "international-organisation"),
              Named("Civil aviation authorities of the countries of origin", "state-origin")});
  p.places = {{"BGD", PlaceRole::kOrigin},
              {"EGY", PlaceRole::kTransit},
              {"LBY", PlaceRole::kCrisis},
              {"NER", PlaceRole::kOrigin},
              {"TUN", PlaceRole::kTransit}};
  p.start_date = "2011-03";
  p.end_date = "2011-09";
  p.phases = {"emergency"};
  p.crises = {"conflict"};
  p.guidelines = {"g10", "g11", "g8", "p6"};
  p.themes = {"evacuation", "movement-to-safety"};
  p.targets = {"migrant-workers", "migrants-in-transit", "unaccompanied-children"};
  p.types = {"coordination-mechanism", "evacuation-operation"};
  p.contacts = "Emergency operations desk: evacuation-desk@example.org";
  p.links = {{"https://example.org/practices/evacuation-lessons", "Lessons-learned report"}};
  return d;
}

// ---------------------------------------------------------------------------
// Preparedness, conflict: consular registration (en only).
DemoPractice ConsularRegistration() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["en"] = LocalText{
      .title = "Registering nationals abroad before tensions turn into conflict",
      .summary =
          "As political tension grew in a host country, a civil-society organisation helped the embassies of "
          "three origin countries run registration days in the neighbourhoods where their nationals lived "
          "and "
          "worked, so that each consulate knew how many people it might have to help, and how to reach them.",
      .problem =
          "Consulates only knew the few nationals who had come to them for a passport. Most migrant workers "
          "had never registered: they feared being reported, could not take a day off, or did not see the "
          "point.",
      .description =
          "Registration days were held on Sundays in churches, mosques, markets and workers' housing, with "
          "consular staff and volunteers from the community associations. People gave a phone number, an "
          "address or landmark, the names of their dependants and an emergency contact at home.\n\n"
          "A short leaflet explained what the data would be used for, who could see it and how to ask for it "
          "to be deleted. Nothing was shared with the host country's immigration services.",
      .results =
          "Over five months the registers grew roughly tenfold. When fighting broke out the following year, "
          "the consulates used the lists to send text messages and to plan their first convoys.",
      .lessons =
          "- Trust came from the community associations, not from the embassy letterhead.\n"
          "- Say plainly that registration is not reported to the police.\n"
          "- Keep the lists up to date: a phone number is often changed within a year.",
      .resources =
          "Volunteers' transport and meals, printing, a few laptops and a spreadsheet kept by each "
          "consulate. "
          "The largest input was the time of consular staff on weekends.",
      .transferability =
          "Works wherever origin countries keep a consulate and migrants are organised in associations. "
          "Needs clear rules on data protection agreed in writing beforehand.",
  };
  SetParties(d, Org("icmc", "International Catholic Migration Commission", "civil-society"),
             {Named("Embassies of three countries of origin", "state-origin"),
              Named("Community associations of migrant workers", "migrant-association")});
  p.places = {{"ETH", PlaceRole::kOrigin},
              {"KEN", PlaceRole::kOrigin},
              {"SSD", PlaceRole::kCrisis},
              {"UGA", PlaceRole::kOrigin}};
  p.start_date = "2013-06";
  p.end_date = "2013-11";
  p.phases = {"preparedness"};
  p.crises = {"conflict"};
  p.guidelines = {"g2", "g5", "p2"};
  p.themes = {"contingency-planning", "migrant-information"};
  p.targets = {"migrant-workers", "undocumented"};
  p.types = {"registration"};
  p.contacts = "Programme team: registration@example.org";
  return d;
}

// ---------------------------------------------------------------------------
// Emergency response, disaster: multilingual helpline (es, en); adopted elsewhere.
DemoPractice Helpline() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["es"] = LocalText{
      .title = "Línea de ayuda en los idiomas de los migrantes tras el terremoto",
      .summary =
          "Después de un terremoto, una red de organizaciones abrió una línea telefónica gratuita atendida "
          "en "
          "español, criollo haitiano y francés. Los migrantes podían pedir información sobre albergues, "
          "atención médica y documentos, y eran derivados al servicio adecuado.",
      .problem =
          "Los avisos oficiales solo se difundían en español y muchos migrantes sin documentos temían acudir "
          "a los albergues públicos. Las familias en el extranjero no sabían a quién llamar para localizar a "
          "los suyos.",
      .description =
          "- Voluntarios que hablaban los idiomas de las comunidades migrantes recibieron una formación de "
          "dos "
          "días sobre primeros auxilios psicológicos y derivación.\n"
          "- La línea funcionaba de 7:00 a 22:00 y un mensaje grabado remitía a los servicios de urgencia "
          "por "
          "la noche.\n"
          "- Cada llamada se registraba de forma anónima con el tipo de necesidad y el servicio al que se "
          "derivó.\n"
          "- Una línea específica para niños y adolescentes, gestionada con una red de líneas de ayuda "
          "infantil, atendía a los menores separados de sus familias.",
      .results =
          "En seis meses se atendieron varios miles de llamadas; la mitad trataban de alojamiento y de "
          "documentos perdidos. Los registros anónimos ayudaron a las autoridades locales a ubicar puntos de "
          "distribución cerca de los barrios con más población migrante.",
      .lessons =
          "- Publicar el número en los lugares que los migrantes ya frecuentan: tiendas, iglesias, paradas "
          "de "
          "autobús.\n"
          "- Un acuerdo previo con los servicios de protección civil evita que las derivaciones se pierdan.\n"
          "- Cuidar a los voluntarios: las llamadas son duras y hace falta un espacio para hablar de ellas.",
      .resources =
          "Una centralita en la nube, teléfonos prestados, veinte voluntarios por turno y una coordinadora a "
          "tiempo completo. El coste principal fue la formación.",
      .transferability =
          "Puede reproducirse con pocos medios si existe de antemano una lista de voluntarios que hablen los "
          "idiomas de las comunidades y un directorio de servicios actualizado.",
  };
  p.texts["en"] = LocalText{
      .title = "A helpline in migrants' languages after the earthquake",
      .summary =
          "After an earthquake, a network of organisations opened a free helpline answered in Spanish, "
          "Haitian "
          "Creole and French. Migrants could ask about shelters, health care and documents, and were "
          "referred "
          "to the right service.",
      .problem =
          "Official announcements were only in Spanish, and many undocumented migrants were afraid to go to "
          "public shelters. Relatives abroad did not know whom to call to find their family.",
      .description =
          "Volunteers who spoke the communities' languages had two days of training in psychological first "
          "aid "
          "and referral. The line was open from 7 a.m. to 10 p.m.; each call was logged anonymously with the "
          "need expressed and the service it was referred to. A separate line, run with a child helpline "
          "network, answered children separated from their families.",
      .results =
          "Several thousand calls in six months, half of them about shelter and lost documents. The "
          "anonymous "
          "log helped local authorities place distribution points near the neighbourhoods where migrants "
          "lived.",
      .lessons =
          "Advertise the number where migrants already go; agree on referral routes with civil protection "
          "beforehand; look after the volunteers.",
      .transferability =
          "Cheap to reproduce if a list of volunteers who speak the communities' languages and an up-to-date "
          "directory of services exist before the disaster.",
  };
  SetParties(d, Org("caritas", "Caritas Internationalis", "civil-society"),
             {Org("chi", "Child Helpline International", "civil-society"),
              Named("Servicio municipal de protección civil", "local-authority")});
  p.places = {{"COL", PlaceRole::kOrigin},
              {"CUB", PlaceRole::kOrigin},
              {"ECU", PlaceRole::kCrisis},
              {"HTI", PlaceRole::kOrigin},
              {"VEN", PlaceRole::kOrigin}};
  p.start_date = "2016-04";
  p.end_date = "2016-10";
  p.phases = {"emergency"};
  p.crises = {"disaster"};
  p.guidelines = {"g10", "g7", "p4"};
  p.themes = {"crisis-communication", "referral"};
  p.targets = {"children", "migrant-workers", "undocumented"};
  p.types = {"hotline"};
  p.contacts = "Coordinación de la línea: linea-ayuda@example.org";
  p.links = {{"https://example.org/practices/helpline-training-kit", "Kit de formación para voluntarios"}};
  d.adoptions = {{
      .org_slug = "tdh",
      .country = "MEX",
      .start_date = "2017-09",
      .results =
          "Adaptamos la línea tras un sismo, con voluntarios que hablaban lenguas indígenas además del "
          "español. "
          "En tres meses atendimos cientos de llamadas, sobre todo de trabajadores agrícolas temporeros, y "
          "firmamos un protocolo de derivación con los servicios de protección de la infancia.",
      .lang = "es",
  }};
  return d;
}

// ---------------------------------------------------------------------------
// Post-crisis, disaster: reintegration after floods (fr only).
DemoPractice FloodReintegration() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["fr"] = LocalText{
      .title = "Accompagner le retour des travailleurs migrants après les inondations",
      .summary =
          "Des inondations ont détruit les logements et les ateliers de nombreux travailleurs migrants dans "
          "leur pays d'accueil, et beaucoup sont rentrés chez eux les mains vides. Une association de "
          "migrants "
          "de retour les a aidés à relancer une activité et a associé leurs villages à ce redémarrage.",
      .problem =
          "Les personnes rentraient endettées, parfois blessées, et souvent mal accueillies par des familles "
          "qui "
          "comptaient sur leurs envois d'argent. Les communes d'origine n'avaient aucun moyen de les "
          "recevoir.",
      .description =
          "- Un premier entretien à l'arrivée pour faire le point sur la santé, les papiers et les dettes.\n"
          "- Une petite aide en espèces pour les trois premiers mois, puis un appui pour monter une activité "
          "(élevage, petit commerce, couture) avec une formation de gestion.\n"
          "- Des projets collectifs décidés avec les communes : un puits, un magasin de céréales, un atelier "
          "partagé, ouverts aussi aux habitants restés sur place.\n"
          "- Des groupes de parole pour les femmes revenues seules avec leurs enfants.",
      .results =
          "Un an après, la plupart des activités soutenues fonctionnaient encore. Les communes ont demandé "
          "que "
          "le dispositif devienne permanent, et deux d'entre elles l'ont inscrit dans leur plan de "
          "développement.",
      .lessons =
          "- Les projets collectifs évitent les jalousies entre ceux qui rentrent et ceux qui sont restés.\n"
          "- L'aide en espèces doit venir vite : au-delà de deux mois, les dettes s'aggravent.\n"
          "- Les migrants de retour sont les mieux placés pour accueillir les suivants.",
      .resources =
          "Un fonds d'appui aux activités, quatre animateurs de terrain, des motos pour rejoindre les "
          "villages. "
          "Les communes ont fourni les terrains des projets collectifs.",
      .transferability =
          "Reproductible là où une association de migrants de retour est implantée et où les communes "
          "acceptent de s'engager. Il faut prévoir un suivi d'au moins un an.",
  };
  SetParties(d,
             Org("avrr", "Assistance for a Voluntary Return and Reintegration of African Migrants",
                 "migrant-association"),
             {Org("aea", "Aide et Action International", "civil-society"),
              Named("Communes d'origine des migrants", "local-authority")});
  p.places = {{"BFA", PlaceRole::kOrigin}, {"CIV", PlaceRole::kCrisis}, {"MLI", PlaceRole::kOrigin}};
  p.start_date = "2018-08";
  p.end_date = "2019-12";
  p.phases = {"post-crisis"};
  p.crises = {"disaster"};
  p.guidelines = {"g13", "g14", "p3"};
  p.themes = {"host-recovery", "migrant-recovery"};
  p.targets = {"host-communities", "migrant-workers", "women"};
  p.types = {"reintegration-programme"};
  p.contacts = "Coordination : retour-inondations@example.org";
  return d;
}

// ---------------------------------------------------------------------------
// Emergency response, other crisis: assistance in transit (es only).
DemoPractice TransitAssistance() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["es"] = LocalText{
      .title = "Puntos de atención para personas migrantes en tránsito",
      .summary =
          "Ante la salida masiva de personas de un país en colapso económico, una red de organizaciones "
          "abrió "
          "puntos de atención a lo largo de la ruta que cruzaba otros dos países. Ofrecían agua, comida, "
          "atención médica básica, información fiable sobre la ruta y un espacio seguro para niños.",
      .problem =
          "Miles de personas caminaban cientos de kilómetros por carreteras de montaña, sin dinero ni "
          "información. Las familias con niños pequeños y los adolescentes que viajaban solos estaban "
          "expuestos "
          "a redes de trata y a la explotación.",
      .description =
          "Cada punto de atención se instaló junto a una parroquia o un albergue municipal, a un día de "
          "camino "
          "del siguiente. Los equipos:\n\n"
          "- entregaban kits de higiene, ropa de abrigo y raciones;\n"
          "- hacían un triaje médico y derivaban los casos graves al hospital;\n"
          "- identificaban a los niños no acompañados y avisaban a los servicios de protección;\n"
          "- informaban sobre los requisitos de entrada en cada país y los riesgos del camino.\n\n"
          "Una ficha común permitía que el punto siguiente supiera qué ayuda había recibido ya cada familia.",
      .results =
          "En el primer año los puntos atendieron a decenas de miles de personas. La ficha común evitó "
          "duplicaciones y permitió seguir a los niños no acompañados de un país a otro.",
      .lessons =
          "- La información sobre la ruta vale tanto como la comida: los rumores empujaban a la gente a "
          "pasos "
          "peligrosos.\n"
          "- Hace falta un acuerdo sobre protección de datos entre las organizaciones de los distintos "
          "países.\n"
          "- Las comunidades de paso necesitan apoyo también, o el rechazo crece.",
      .resources =
          "Carpas, equipos de agua, personal médico y de protección en cada punto, y un fondo de emergencia "
          "compartido entre las organizaciones.",
      .transferability =
          "Aplicable a cualquier ruta de tránsito larga. Es clave contar con socios locales (parroquias, "
          "alcaldías) que conozcan el terreno y ya tengan la confianza de la población.",
  };
  SetParties(d, Org("wvi", "World Vision International", "civil-society"),
             {Org("unhcr", "UNHCR, the UN Refugee Agency", "international-organisation"),
              Named("Red de parroquias de la frontera", "civil-society"),
              Named("Alcaldías de los municipios de paso", "local-authority")});
  p.places = {{"COL", PlaceRole::kTransit},
              {"ECU", PlaceRole::kTransit},
              {"PER", PlaceRole::kDestination},
              {"VEN", PlaceRole::kCrisis}};
  p.start_date = "2018-09";
  p.phases = {"emergency"};
  p.crises = {"other"};
  p.crisis_other = "economic collapse";
  p.guidelines = {"g10", "g9", "p4", "p5"};
  p.themes = {"humanitarian-assistance", "referral"};
  p.targets = {"children", "migrants-in-transit", "unaccompanied-children", "women"};
  p.types = {"assistance-programme"};
  p.contacts = "Equipo regional: transito@example.org";
  p.links = {{"https://example.org/practices/ficha-comun", "Ficha común de atención"}};
  return d;
}

// ---------------------------------------------------------------------------
// Preparedness, conflict and disaster: pre-departure sessions (en, fr, es).
DemoPractice PreDeparture() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["en"] = LocalText{
      .title = "Pre-departure sessions: what to do if a crisis breaks out abroad",
      .summary =
          "Before leaving to work or study abroad, people attend a half-day session on how to prepare for a "
          "crisis: keeping copies of their documents, registering with their consulate, knowing whom to "
          "call, "
          "and having a plan to leave.",
      .problem =
          "People caught in crises abroad often had left their passport with an employer, had never "
          "contacted "
          "their consulate and did not know anyone who could help. Pre-departure briefings covered contracts "
          "and "
          "wages, never emergencies.",
      .description =
          "The session is run by trained facilitators, many of them former migrants, in the departure towns. "
          "It "
          "covers:\n\n"
          "- a safe copy of documents (paper and phone) and the right to keep one's own passport;\n"
          "- registering with the consulate on arrival;\n"
          "- a personal emergency card: consulate, trusted contacts, meeting point;\n"
          "- the warning signs of a crisis and where to find reliable news.\n\n"
          "Participants leave with the card and a short booklet in their language.",
      .results =
          "Participants were far more likely to register with their consulate within their first month "
          "abroad "
          "than people who had not attended. Several used their emergency card during unrest in the host "
          "country.",
      .lessons =
          "Former migrants are the most convincing facilitators. Families should be invited: they are the "
          "first people migrants call.",
      .resources =
          "Trained facilitators, a room, printed booklets and cards. Sessions are free for participants.",
      .transferability =
          "Easy to add to existing pre-departure programmes; the content must be adapted to each "
          "destination.",
  };
  p.texts["fr"] = LocalText{
      .title = "Séances avant le départ : que faire si une crise éclate à l'étranger",
      .summary =
          "Avant de partir travailler ou étudier à l'étranger, les personnes suivent une demi-journée de "
          "préparation aux crises : garder une copie de ses papiers, s'inscrire au consulat, savoir qui "
          "appeler "
          "et prévoir comment partir.",
      .problem =
          "Les personnes prises dans une crise à l'étranger avaient souvent laissé leur passeport à "
          "l'employeur, "
          "n'étaient jamais allées au consulat et ne connaissaient personne pour les aider.",
      .description =
          "La séance est animée dans les villes de départ par des personnes formées, souvent d'anciens "
          "migrants. "
          "Elle aborde la copie des documents, l'inscription consulaire, une carte d'urgence personnelle et "
          "les "
          "signes avant-coureurs d'une crise. Chacun repart avec la carte et un petit livret dans sa langue.",
      .results =
          "Les participants s'inscrivent beaucoup plus souvent au consulat dès leur premier mois à "
          "l'étranger.",
      .lessons =
          "Les anciens migrants sont les animateurs les plus convaincants ; il faut inviter les familles.",
      .transferability =
          "S'ajoute facilement aux programmes d'information avant le départ existants, en adaptant le "
          "contenu "
          "à chaque pays de destination.",
  };
  p.texts["es"] = LocalText{
      .title = "Sesiones previas a la partida: qué hacer si estalla una crisis en el extranjero",
      .summary =
          "Antes de salir a trabajar o estudiar al extranjero, las personas asisten a una sesión de medio "
          "día "
          "sobre cómo prepararse ante una crisis: guardar copias de sus documentos, inscribirse en el "
          "consulado, "
          "saber a quién llamar y tener un plan para salir.",
      .problem =
          "Muchas personas atrapadas en crisis en el extranjero no tenían su pasaporte, nunca habían "
          "contactado "
          "con su consulado y no conocían a nadie que pudiera ayudarlas.",
      .description =
          "Facilitadores formados, muchos de ellos antiguos migrantes, explican cómo proteger los "
          "documentos, "
          "inscribirse en el consulado, preparar una tarjeta de emergencia y reconocer las señales de una "
          "crisis.",
      .lessons = "Los antiguos migrantes convencen más que nadie; conviene invitar también a las familias.",
  };
  SetParties(d, Org("iss", "International Social Service", "civil-society"),
             {Org("jed", "Jeunesse en Détresse", "civil-society"),
              Named("Ministry in charge of nationals abroad", "state-origin")});
  p.places = {
      {"GAB", PlaceRole::kDestination}, {"GNQ", PlaceRole::kDestination}, {"SEN", PlaceRole::kOrigin}};
  p.start_date = "2017-01";
  p.phases = {"preparedness"};
  p.crises = {"conflict", "disaster"};
  p.guidelines = {"g3", "p10", "p3"};
  p.themes = {"empowerment", "pre-crisis-communication"};
  p.targets = {"migrant-workers", "students", "women"};
  p.types = {"information-campaign", "training"};
  p.contacts = "Training coordinator: pre-departure@example.org";
  p.links = {{"https://example.org/practices/emergency-card", "Emergency card template"},
             {"https://example.org/practices/pre-departure-booklet", "Participant booklet"}};
  return d;
}

// ---------------------------------------------------------------------------
// Emergency response, conflict: emergency cash for domestic workers (en only;
// restricted, summary only).
DemoPractice DomesticWorkersCash() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["en"] = LocalText{
      .title = "Emergency cash for domestic workers stranded by conflict",
      .summary =
          "In a country at war, many live-in domestic workers were left behind when the families who "
          "employed "
          "them fled. A relief organisation, working through an informal network of domestic workers, gave "
          "them "
          "small cash grants for food, rent and phone credit until they could leave or find safe work.",
      .problem =
          "Left without wages or papers, the workers could not buy food or pay for a room, and most did not "
          "dare "
          "to approach the authorities or the large distribution points.",
      .description =
          "Trusted members of the domestic workers' network identified people in need and vouched for them. "
          "Grants were paid monthly through money-transfer agents, with no identity document required. Each "
          "recipient had a contact in the network who checked on her by phone every week.",
      .results =
          "Several hundred women received grants for up to six months. A number were later helped to return "
          "home when a route opened.",
      .lessons =
          "- Informal networks reach people that no registration desk will.\n"
          "- Protect the identities of recipients and of the network's members above everything else.",
      .resources = "Cash grants, transfer fees, phone credit for the network's focal points.",
      .transferability =
          "Depends on a trusted network already existing among the workers and on a money-transfer system "
          "that "
          "still works during the conflict.",
  };
  SetParties(d, Org("iiro", "International Islamic Relief Organization", "civil-society"),
             {Named("Informal network of domestic workers", "migrant-association")});
  p.places = {{"ETH", PlaceRole::kOrigin}, {"YEM", PlaceRole::kCrisis}};
  p.generalised_location = "Middle East";
  p.start_date = "2015-05";
  p.end_date = "2015-12";
  p.phases = {"emergency"};
  p.crises = {"conflict"};
  p.guidelines = {"g9", "p4", "p5"};
  p.themes = {"humanitarian-assistance"};
  p.targets = {"domestic-workers", "undocumented", "women"};
  p.types = {"assistance-programme"};
  p.contacts = "Through the platform's moderators only.";
  p.sensitivity = Sensitivity::kRestricted;
  p.summary_only = true;
  return d;
}

// ---------------------------------------------------------------------------
// Emergency response, disaster: community interpreters (fr, es; private contacts).
DemoPractice CommunityInterpreters() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["fr"] = LocalText{
      .title = "Des interprètes communautaires dans les secours après le séisme",
      .summary =
          "Après un séisme, des migrants d'Afrique de l'Ouest et centrale vivant dans les zones touchées ont "
          "été "
          "formés comme interprètes communautaires. Ils accompagnaient les équipes de secours et de santé "
          "pour "
          "que chacun comprenne les consignes et puisse dire ce dont il avait besoin.",
      .problem =
          "Les équipes de secours ne parlaient ni les langues ni le français approximatif de beaucoup de "
          "migrants, qui restaient à l'écart des distributions et des soins, parfois par peur d'être "
          "contrôlés.",
      .description =
          "- Une formation courte : rôle de l'interprète, neutralité, confidentialité, vocabulaire médical "
          "de "
          "base.\n"
          "- Des binômes interprète-secouriste dans chaque camp de tentes.\n"
          "- Une permanence quotidienne où les migrants pouvaient signaler un problème.\n"
          "- Une indemnité journalière pour les interprètes.",
      .results =
          "La fréquentation des points de santé par les migrants a nettement augmenté. Les autorités locales "
          "ont gardé la liste des interprètes pour les exercices de préparation suivants.",
      .lessons =
          "- Les interprètes doivent être protégés : une carte d'intervenant évite les contrôles abusifs.\n"
          "- Prévoir un soutien psychologique pour eux aussi.",
      .resources =
          "Formation de deux jours, indemnités journalières, téléphones et crédit, gilets identifiables.",
      .transferability =
          "Transposable partout où vivent des communautés migrantes organisées ; il faut l'accord des "
          "autorités chargées des secours.",
  };
  p.texts["es"] = LocalText{
      .title = "Intérpretes comunitarios en la respuesta al terremoto",
      .summary =
          "Tras un terremoto, personas migrantes de África occidental y central que vivían en las zonas "
          "afectadas "
          "se formaron como intérpretes comunitarios y acompañaron a los equipos de socorro y de salud.",
      .problem =
          "Los equipos de socorro no hablaban los idiomas de muchos migrantes, que se quedaban al margen de "
          "los "
          "repartos y de la atención médica.",
      .description =
          "Formación corta sobre el papel del intérprete, neutralidad y confidencialidad; parejas de "
          "intérprete "
          "y socorrista en cada campamento; una permanencia diaria para recoger quejas; una dieta diaria "
          "para "
          "los intérpretes.",
      .results = "Aumentó claramente el número de migrantes atendidos en los puntos de salud.",
      .lessons = "Hay que proteger a los intérpretes y ofrecerles también apoyo psicológico.",
  };
  SetParties(d, Org("drc", "Danish Refugee Council", "civil-society"),
             {Named("Association des migrants subsahariens", "migrant-association"),
              Named("Protection civile provinciale", "local-authority")});
  p.places = {{"CIV", PlaceRole::kOrigin},
              {"CMR", PlaceRole::kOrigin},
              {"GIN", PlaceRole::kOrigin},
              {"MAR", PlaceRole::kCrisis}};
  p.start_date = "2023-09";
  p.end_date = "2024-03";
  p.phases = {"emergency"};
  p.crises = {"disaster"};
  p.guidelines = {"g7", "g9", "p3"};
  p.themes = {"crisis-communication", "humanitarian-assistance"};
  p.targets = {"migrants-in-transit", "undocumented", "women"};
  p.types = {"assistance-programme", "training"};
  p.contacts = "Coordinatrice du projet : interpretes@example.org ; référent terrain : terrain@example.org";
  p.contacts_private = true;
  return d;
}

// ---------------------------------------------------------------------------
// Preparedness, disaster: cyclone warnings in migrants' languages (en, fr).
DemoPractice CycloneWarnings() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["en"] = LocalText{
      .title = "Cyclone warnings in migrant workers' languages",
      .summary =
          "On an island exposed to cyclones, official warnings were only issued in the national languages. "
          "Working with the weather service and employers, a communication organisation translated the "
          "warning "
          "levels and what to do at each one into the main languages of migrant workers, and sent them by "
          "text "
          "message, community radio and posters in the dormitories.",
      .problem =
          "Migrant workers, many living in company dormitories, did not understand the warning levels and "
          "did "
          "not know where the shelters were. During an earlier cyclone some stayed in unsafe buildings.",
      .description =
          "- Warning levels and instructions were rewritten in plain language, tested with workers, then "
          "translated.\n"
          "- Employers registered dormitory phone numbers with a text-message service run with the weather "
          "service.\n"
          "- Posters with the nearest shelter's location were put up in each dormitory.\n"
          "- A community radio programme explained the system before the cyclone season.",
      .results =
          "At the next cyclone warning, the dormitories surveyed had received the messages and most workers "
          "knew where their shelter was. Employers asked for the service to cover heat waves and floods too.",
      .lessons =
          "- Test the wording with workers: a correct translation is not always an understood one.\n"
          "- Employers are essential partners: they hold the addresses and phone numbers.",
      .resources =
          "Translation, a text-message service, printing and radio time; staff time from the weather "
          "service.",
      .transferability =
          "Any place with an early-warning system and a migrant workforce can do it; the key is to bring the "
          "weather service and employers to the same table.",
  };
  p.texts["fr"] = LocalText{
      .title = "Alertes cycloniques dans les langues des travailleurs migrants",
      .summary =
          "Sur une île exposée aux cyclones, les alertes officielles n'étaient diffusées que dans les "
          "langues "
          "nationales. Avec le service météorologique et les employeurs, une organisation de communication a "
          "traduit les niveaux d'alerte et les consignes dans les principales langues des travailleurs "
          "migrants.",
      .problem =
          "Les travailleurs migrants, souvent logés dans des dortoirs d'entreprise, ne comprenaient pas les "
          "niveaux d'alerte et ignoraient où se trouvaient les abris.",
      .description =
          "Consignes réécrites en langage simple et testées avec des travailleurs, messages SMS envoyés aux "
          "dortoirs, affiches indiquant l'abri le plus proche, émission de radio communautaire avant la "
          "saison "
          "cyclonique.",
      .results =
          "Lors de l'alerte suivante, la plupart des travailleurs interrogés savaient où se trouvait leur "
          "abri.",
      .lessons = "Une traduction correcte n'est pas forcément comprise : il faut la tester.",
      .transferability =
          "Possible partout où existe un système d'alerte précoce et une main-d'œuvre migrante.",
  };
  SetParties(
      d, Org("coin", "Climate Outreach & Information Network", "civil-society"),
      {Named("National meteorological service", "state-host"),
       Named("Employers' federation", "private-sector"), Named("Migrant workers' community radio", "media")});
  p.places = {{"BGD", PlaceRole::kOrigin},
              {"IND", PlaceRole::kOrigin},
              {"MDG", PlaceRole::kOrigin},
              {"MUS", PlaceRole::kCrisis}};
  p.start_date = "2019-11";
  p.end_date = "2020-04";
  p.phases = {"preparedness"};
  p.crises = {"disaster"};
  p.guidelines = {"g1", "g4", "p7", "p9"};
  p.themes = {"pre-crisis-communication", "response-systems"};
  p.targets = {"migrant-workers"};
  p.types = {"information-campaign", "tool-or-app"};
  p.contacts = "Project lead: cyclone-alerts@example.org";
  p.links = {{"https://example.org/practices/cyclone-posters", "Posters in six languages"}};
  return d;
}

// ---------------------------------------------------------------------------
// Emergency response, conflict: waiving exit fines (en, fr); not yet published.
DemoPractice ExitFinesWaiver() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["en"] = LocalText{
      .title = "Waiving overstay fines and exit visas for migrants fleeing conflict",
      .summary =
          "When conflict broke out, many migrants could not leave legally because their residence permits "
          "had "
          "expired and they owed overstay fines. Through an exchange of letters with the main origin state, "
          "the "
          "host state agreed to waive fines and exit-visa requirements for anyone leaving during the "
          "emergency.",
      .problem =
          "Migrants without valid papers were turned back at the border or held until they paid fines they "
          "could "
          "not afford, which kept them in the danger zone.",
      .description =
          "A legal-aid organisation documented cases of people stopped at the border and brought them to the "
          "attention of both governments. The origin state's foreign ministry proposed a temporary waiver; "
          "the "
          "host state's immigration service issued an instruction to border posts within days. Lawyers at "
          "the "
          "main crossing explained the waiver to migrants and to border officials.",
      .results =
          "People were no longer held at the main crossing for unpaid fines. The waiver was extended twice "
          "while "
          "the fighting lasted.",
      .lessons =
          "- A short written instruction to border posts matters more than the agreement itself.\n"
          "- Documenting individual cases made the problem concrete for both governments.",
      .transferability =
          "Any two states can agree on such a waiver quickly; a model letter prepared in advance saves time.",
  };
  p.texts["fr"] = LocalText{
      .title = "Lever les amendes de séjour et les visas de sortie pour les migrants qui fuient un conflit",
      .summary =
          "Au début du conflit, beaucoup de migrants ne pouvaient pas partir légalement : leur titre de "
          "séjour "
          "avait expiré et ils devaient des amendes. Par un échange de lettres avec le principal État "
          "d'origine, "
          "l'État d'accueil a renoncé aux amendes et au visa de sortie pendant toute la durée de l'urgence.",
      .problem =
          "Les migrants sans papiers valides étaient refoulés à la frontière ou retenus jusqu'au paiement "
          "d'amendes qu'ils ne pouvaient pas régler.",
      .description =
          "Une organisation d'aide juridique a documenté les cas de personnes bloquées et les a portés à la "
          "connaissance des deux gouvernements. Une instruction écrite a été envoyée aux postes-frontières.",
      .lessons = "Une instruction claire aux postes-frontières compte plus que l'accord lui-même.",
  };
  SetParties(d, Org("icj", "International Commission of Jurists", "civil-society"),
             {Named("Foreign ministry of the origin state", "state-origin"),
              Named("Immigration service of the host state", "state-host")});
  p.places = {{"CAF", PlaceRole::kCrisis}, {"CMR", PlaceRole::kTransit}, {"TCD", PlaceRole::kOrigin}};
  p.start_date = "2013-12";
  p.end_date = "2014-06";
  p.phases = {"emergency"};
  p.crises = {"conflict"};
  p.guidelines = {"g8", "p1", "p6"};
  p.themes = {"movement-to-safety"};
  p.targets = {"migrant-workers", "undocumented"};
  p.types = {"agreement", "legal-aid"};
  p.contacts = "Legal team: exit-waiver@example.org";
  d.publish = false;
  return d;
}

// ---------------------------------------------------------------------------
// Post-crisis, conflict: psychosocial support after return (fr, en).
DemoPractice PsychosocialSupport() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["fr"] = LocalText{
      .title = "Soutien psychosocial aux migrants rentrés d'un pays en conflit",
      .summary =
          "Des jeunes rentrés d'un pays en guerre après des mois de détention, de travail forcé ou de "
          "violences "
          "ont bénéficié d'un accompagnement psychosocial près de chez eux, en lien avec les centres de "
          "santé "
          "communautaires et les associations de migrants de retour.",
      .problem =
          "Beaucoup souffraient d'insomnies, d'angoisses ou de honte, et se repliaient sur eux-mêmes. Il "
          "n'existait "
          "presque aucun service de santé mentale hors de la capitale.",
      .description =
          "- Formation des agents de santé communautaire au repérage de la détresse et à l'écoute.\n"
          "- Groupes de parole animés par des pairs, eux-mêmes migrants de retour.\n"
          "- Orientation des cas graves vers un psychologue itinérant.\n"
          "- Rencontres avec les familles pour réduire la stigmatisation du retour « sans réussite ».",
      .results =
          "La plupart des participants suivis ont déclaré mieux dormir et avoir repris une activité. Les "
          "groupes "
          "de parole continuent sans financement extérieur dans plusieurs villages.",
      .lessons =
          "- Les pairs ouvrent la porte ; les professionnels prennent le relais pour les cas graves.\n"
          "- Parler aux familles est indispensable.",
      .resources =
          "Formation des agents de santé, un psychologue itinérant, frais de déplacement des animateurs.",
      .transferability =
          "Reproductible dans les régions de retour disposant de centres de santé communautaires ; à "
          "articuler "
          "avec les programmes de réintégration économique.",
  };
  p.texts["en"] = LocalText{
      .title = "Psychosocial support for migrants returning from a country at war",
      .summary =
          "Young people who came home after months of detention, forced labour or violence in a country at "
          "war "
          "received psychosocial support close to home, through community health centres and returnee "
          "associations.",
      .problem =
          "Many suffered from sleeplessness, anxiety or shame, and withdrew. There were almost no "
          "mental-health "
          "services outside the capital.",
      .description =
          "Community health workers were trained to recognise distress; returnees led peer support groups; "
          "severe "
          "cases were referred to a travelling psychologist; families were met to reduce the stigma of "
          "coming "
          "back \"empty-handed\".",
      .results = "Most participants followed up reported sleeping better and had resumed some activity.",
      .lessons =
          "Peers open the door; professionals take over for severe cases. Talking to families is essential.",
      .transferability = "Works where community health centres exist; pair it with economic reintegration.",
  };
  SetParties(d, Org("tdh", "Terre des Hommes", "civil-society"),
             {Named("Centres de santé communautaires", "service-provider"),
              Named("Associations de migrants de retour", "migrant-association")});
  p.places = {{"GMB", PlaceRole::kOrigin}, {"LBY", PlaceRole::kCrisis}, {"SEN", PlaceRole::kOrigin}};
  p.start_date = "2017-11";
  p.end_date = "2019-06";
  p.phases = {"post-crisis"};
  p.crises = {"conflict"};
  p.guidelines = {"g12", "g13", "p5"};
  p.themes = {"migrant-recovery"};
  p.targets = {"migrants-in-transit", "trafficking-victims", "unaccompanied-children"};
  p.types = {"assistance-programme", "reintegration-programme"};
  p.contacts = "Équipe psychosociale : psychosocial@example.org";
  return d;
}

// ---------------------------------------------------------------------------
// Preparedness and emergency, conflict: an employer's evacuation plan (es, en);
// anonymous, waiting for moderation.
DemoPractice EmployerEvacuationPlan() {
  DemoPractice d;
  Practice& p = d.practice;
  p.texts["es"] = LocalText{
      .title = "Plan de evacuación de una empresa para su personal extranjero",
      .summary =
          "Una empresa constructora con obras en un país inestable preparó un plan de evacuación que incluía "
          "a "
          "todos sus trabajadores extranjeros, también a los de sus subcontratistas. Cuando estalló el "
          "conflicto, "
          "el plan permitió trasladarlos a un país vecino y repatriarlos en pocas semanas.",
      .problem =
          "Los planes de seguridad de las empresas solían cubrir solo al personal expatriado de dirección. "
          "Los "
          "obreros contratados a través de agencias quedaban fuera y, a menudo, sin pasaporte.",
      .description =
          "- Lista actualizada cada mes de todo el personal en obra, con nacionalidad, documento y "
          "contacto.\n"
          "- Pasaportes en poder de los propios trabajadores, con copia en la oficina.\n"
          "- Puntos de reunión y rutas hacia la frontera acordados con una empresa de transporte.\n"
          "- Un fondo de reserva para billetes de avión y una carta de compromiso de las agencias de "
          "contratación para cubrir la repatriación.\n"
          "- Contacto previo con las embajadas de los países de origen.",
      .results =
          "Todo el personal de las obras, incluidos los subcontratados, salió del país sin heridos. Las "
          "embajadas recibieron las listas el primer día.",
      .lessons =
          "- El plan debe cubrir a los subcontratistas desde la firma del contrato.\n"
          "- Un simulacro al año revela lo que falta: números cambiados, vehículos averiados.",
      .resources =
          "Tiempo del responsable de seguridad, un fondo de reserva y el coste de los simulacros anuales.",
      .transferability =
          "Cualquier empleador con personal migrante en zonas de riesgo puede adoptarlo; las agencias de "
          "contratación deben comprometerse por escrito.",
  };
  p.texts["en"] = LocalText{
      .title = "A company's evacuation plan for its foreign workforce",
      .summary =
          "A construction company with sites in an unstable country prepared an evacuation plan covering all "
          "its "
          "foreign workers, including its subcontractors'. When conflict broke out, the plan moved them to a "
          "neighbouring country and home within a few weeks.",
      .problem =
          "Company security plans usually covered only expatriate managers; workers hired through agencies "
          "were "
          "left out, often without their passports.",
      .description =
          "A monthly list of everyone on site; workers keep their own passports; meeting points and routes "
          "agreed "
          "with a transport firm; a reserve fund for tickets; recruitment agencies committed in writing to "
          "pay "
          "for repatriation; early contact with the origin countries' embassies.",
      .results = "Every worker on the sites, subcontractors included, left the country unharmed.",
      .lessons = "Cover subcontractors from the day the contract is signed, and run a drill every year.",
  };
  p.lead = Named("Constructora de ejemplo S.A.", "employer");
  p.partners = {Named("Agencias de contratación de los países de origen", "recruiter"),
                Named("Embajadas de los países de origen", "state-origin")};
  p.places = {{"EGY", PlaceRole::kTransit},
              {"IND", PlaceRole::kOrigin},
              {"PHL", PlaceRole::kOrigin},
              {"SDN", PlaceRole::kCrisis}};
  p.start_date = "2022-01";
  p.end_date = "2023-05";
  p.phases = {"emergency", "preparedness"};
  p.crises = {"conflict"};
  p.guidelines = {"g11", "g4", "p9"};
  p.themes = {"contingency-planning", "evacuation"};
  p.targets = {"migrant-workers"};
  p.types = {"evacuation-operation", "guidance"};
  p.contacts = "Departamento de seguridad: seguridad@example.org";
  p.contributor.name = "Lucía Ferrer";
  p.contributor.email = "lucia.ferrer@example.org";
  p.contributor.lang = "es";
  d.publish = false;
  return d;
}

}  // namespace

const std::vector<DemoPractice>& DemoPractices() {
  static const std::vector<DemoPractice> practices = {
      Evacuation(),          ConsularRegistration(),  Helpline(),
      FloodReintegration(),  TransitAssistance(),     PreDeparture(),
      DomesticWorkersCash(), CommunityInterpreters(), CycloneWarnings(),
      ExitFinesWaiver(),     PsychosocialSupport(),   EmployerEvacuationPlan(),
  };
  return practices;
}

}  // namespace waymark::demo
