// The Atlas demo's glossary: twenty key notions of environmental migration,
// defined in our own words for the demo, in English, French and Spanish.
#include <string>
#include <vector>

namespace waymark::demo::atlas_data {

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

const std::vector<GlossaryEntry>& Glossary() {
  static const std::vector<GlossaryEntry> entries = {
      {"adaptation",
       {"adaptation",
        "The changes that people, communities and governments make to cope with the effects of climate "
        "change, now or in the future, and to limit the harm they cause. Moving can be one way of "
        "adapting, for example when one family member works elsewhere and sends money home.",
        {"climate change adaptation", "adaptation measures"}},
       {"adaptation",
        "Les changements que les personnes, les communautés et les États font pour faire face aux effets "
        "du changement climatique, actuels ou à venir, et pour en limiter les dégâts. Partir peut être une "
        "façon de s'adapter, par exemple quand un membre de la famille travaille ailleurs et envoie de "
        "l'argent à la maison.",
        {"adaptation au changement climatique", "mesures d'adaptation"}},
       {"adaptación",
        "Los cambios que hacen las personas, las comunidades y los gobiernos para hacer frente a los "
        "efectos del cambio climático, actuales o futuros, y para limitar los daños. Migrar puede ser una "
        "forma de adaptarse, por ejemplo cuando un miembro de la familia trabaja en otro lugar y envía "
        "dinero a casa.",
        {"adaptación al cambio climático", "medidas de adaptación"}},
       "Notion used in the UN climate negotiations (UNFCCC) and in IOM's work on migration, environment "
       "and climate change; see the library for studies."},
      {"climate-migration",
       {"climate migration",
        "The movement of people that is driven mainly by the effects of climate change, such as stronger "
        "storms, longer droughts or rising seas. It can happen within a country or across borders, for a "
        "short time or for good. Climate is rarely the only cause: it usually adds to economic, social and "
        "political pressures.",
        {"climate-induced migration", "climate-related migration"}},
       {"migration climatique",
        "Le déplacement de personnes causé surtout par les effets du changement climatique, comme des "
        "tempêtes plus fortes, des sécheresses plus longues ou la montée des mers. Il peut se faire dans "
        "un pays ou d'un pays à l'autre, pour un temps ou pour toujours. Le climat est rarement la seule "
        "cause : il s'ajoute le plus souvent à des difficultés économiques, sociales et politiques.",
        {"migrations climatiques"}},
       {"migración climática",
        "El movimiento de personas causado sobre todo por los efectos del cambio climático, como tormentas "
        "más fuertes, sequías más largas o la subida del mar. Puede darse dentro de un país o entre "
        "países, por un tiempo o para siempre. El clima rara vez es la única causa: suele sumarse a "
        "presiones económicas, sociales y políticas.",
        {"migraciones climáticas"}},
       "Notion used in IOM's work on migration, environment and climate change; it has no definition in "
       "international law. See the library for studies."},
      {"desertification",
       {"desertification",
        "The process by which land in dry regions loses its fertility and can no longer support plants, "
        "crops and animals as before. It results from both climate, such as repeated droughts, and human "
        "activities, such as overgrazing, cutting down trees or poor farming methods.",
        {}},
       {"désertification",
        "Le processus par lequel les terres des régions sèches perdent leur fertilité et ne peuvent plus "
        "nourrir comme avant les plantes, les cultures et les animaux. Il vient à la fois du climat, comme "
        "des sécheresses répétées, et des activités humaines, comme le surpâturage, l'abattage des arbres "
        "ou de mauvaises pratiques agricoles.",
        {}},
       {"desertificación",
        "El proceso por el cual las tierras de las regiones secas pierden su fertilidad y ya no pueden "
        "sostener como antes a las plantas, los cultivos y los animales. Se debe tanto al clima, como las "
        "sequías repetidas, como a actividades humanas, como el sobrepastoreo, la tala de árboles o malas "
        "prácticas agrícolas.",
        {}},
       "Notion discussed in the United Nations Convention to Combat Desertification (UNCCD) and in studies "
       "on land, drought and migration; see the library."},
      {"disaster-displacement",
       {"disaster displacement",
        "When people have to leave their homes because a disaster, such as a flood, storm, earthquake or "
        "wildfire, has struck or is about to strike. Most people displaced by disasters stay in their own "
        "country; many go home once it is safe, but some remain displaced for years.",
        {"disaster-induced displacement", "disaster-related displacement"}},
       {"déplacement lié aux catastrophes",
        "Le fait que des personnes doivent quitter leur logement parce qu'une catastrophe, comme une "
        "inondation, une tempête, un séisme ou un incendie, les a frappées ou va les frapper. La plupart "
        "restent dans leur pays ; beaucoup rentrent chez elles une fois le danger passé, mais certaines "
        "restent déplacées pendant des années.",
        {"déplacements liés aux catastrophes", "déplacement dû aux catastrophes"}},
       {"desplazamiento por desastres",
        "Cuando las personas tienen que dejar su hogar porque un desastre, como una inundación, una "
        "tormenta, un terremoto o un incendio, las ha golpeado o está a punto de hacerlo. La mayoría se "
        "queda en su propio país; muchas vuelven a casa cuando no hay peligro, pero algunas siguen "
        "desplazadas durante años.",
        {"desplazamientos por desastres", "desplazamiento causado por desastres"}},
       "Notion used in disaster risk reduction, in the work of the Platform on Disaster Displacement and "
       "in IOM's operations; see the library for studies."},
      {"drought",
       {"drought",
        "A period of unusually dry weather, lasting months or even years, when there is much less water "
        "than people, crops, animals and nature usually need. Droughts can ruin harvests and livelihoods "
        "and push people to move in search of water, food or work.",
        {"droughts"}},
       {"sécheresse",
        "Une période de temps anormalement sec, qui dure des mois ou même des années, pendant laquelle il "
        "y a beaucoup moins d'eau que ce dont les personnes, les cultures, les animaux et la nature ont "
        "besoin d'habitude. Les sécheresses peuvent détruire les récoltes et les moyens de vivre, et "
        "pousser les gens à partir chercher de l'eau, de la nourriture ou du travail.",
        {"sécheresses"}},
       {"sequía",
        "Un período de tiempo anormalmente seco, que dura meses o incluso años, en el que hay mucha menos "
        "agua de la que suelen necesitar las personas, los cultivos, los animales y la naturaleza. Las "
        "sequías pueden arruinar cosechas y medios de vida y empujar a la gente a irse en busca de agua, "
        "comida o trabajo.",
        {"sequías"}},
       "Notion used in climate science, in disaster risk reduction and in studies on rural migration; see "
       "the library for studies."},
      {"durable-solutions",
       {"durable solutions",
        "Ways of ending displacement, so that displaced people no longer need special help or protection "
        "because of it and can enjoy their rights like everyone else. This can happen when they return "
        "home, settle where they found refuge or settle somewhere else.",
        {"durable solution"}},
       {"solutions durables",
        "Les moyens de mettre fin à un déplacement, pour que les personnes déplacées n'aient plus besoin "
        "d'une aide ou d'une protection particulière à cause de lui et puissent exercer leurs droits comme "
        "tout le monde. Cela peut passer par le retour chez soi, l'installation sur le lieu de refuge ou "
        "l'installation ailleurs.",
        {"solution durable"}},
       {"soluciones duraderas",
        "Las formas de poner fin a un desplazamiento, para que las personas desplazadas ya no necesiten "
        "una ayuda o protección especial por ese motivo y puedan ejercer sus derechos como los demás. "
        "Puede lograrse con el regreso a casa, la integración en el lugar de refugio o el asentamiento en "
        "otro lugar.",
        {"solución duradera"}},
       "Notion used in humanitarian and development work with internally displaced people and refugees, "
       "including by IOM; see the library."},
      {"early-warning",
       {"early warning",
        "Systems that watch for hazards such as storms, floods or droughts and alert people in time, so "
        "that they can protect themselves and their belongings and leave if needed. A good warning reaches "
        "everyone at risk, in a language and a form they understand.",
        {"early warning system", "early warning systems", "early warnings"}},
       {"alerte précoce",
        "Des systèmes qui surveillent les dangers comme les tempêtes, les inondations ou les sécheresses "
        "et préviennent la population à temps, pour qu'elle puisse se protéger, protéger ses biens et "
        "partir si besoin. Une bonne alerte atteint toutes les personnes en danger, dans une langue et "
        "sous une forme qu'elles comprennent.",
        {"système d'alerte précoce", "systèmes d'alerte précoce", "alertes précoces"}},
       {"alerta temprana",
        "Sistemas que vigilan amenazas como tormentas, inundaciones o sequías y avisan a la población a "
        "tiempo, para que pueda protegerse, proteger sus bienes y marcharse si hace falta. Una buena "
        "alerta llega a todas las personas en riesgo, en una lengua y una forma que entienden.",
        {"sistema de alerta temprana", "sistemas de alerta temprana", "alertas tempranas"}},
       "Notion used in disaster risk reduction (Sendai Framework) and in the UN's Early Warnings for All "
       "initiative; see the library."},
      {"environmental-migrant",
       {"environmental migrant",
        "A person who moves, within their country or across a border, mainly because sudden or gradual "
        "changes in the environment harm their life or living conditions. The term describes a situation, "
        "not a legal status: most environmental migrants are not refugees under international law.",
        {"environmental migrants"}},
       {"migrant environnemental",
        "Une personne qui part, dans son pays ou à l'étranger, surtout parce que des changements soudains "
        "ou lents de l'environnement nuisent à sa vie ou à ses conditions de vie. Le terme décrit une "
        "situation, pas un statut juridique : la plupart de ces personnes ne sont pas des réfugiés au sens "
        "du droit international.",
        {"migrants environnementaux", "migrante environnementale", "migrantes environnementales"}},
       {"migrante ambiental",
        "Una persona que se desplaza, dentro de su país o a otro, sobre todo porque cambios repentinos o "
        "lentos del medio ambiente perjudican su vida o sus condiciones de vida. El término describe una "
        "situación, no un estatus jurídico: la mayoría de estas personas no son refugiadas según el "
        "derecho internacional.",
        {"migrantes ambientales"}},
       "Working term used in IOM's work on migration, environment and climate change; it is not a legal "
       "category. See the library for studies."},
      {"environmental-migration",
       {"environmental migration",
        "The movement of people caused mainly by sudden or gradual changes in the environment, such as "
        "floods, droughts or sea-level rise. It can be forced or chosen, short or long, and within a "
        "country or across borders. It includes climate migration but also moves linked to other "
        "environmental changes.",
        {"environmentally induced migration", "environment-related migration"}},
       {"migration environnementale",
        "Le déplacement de personnes causé surtout par des changements soudains ou lents de "
        "l'environnement, comme des inondations, des sécheresses ou l'élévation du niveau de la mer. Il "
        "peut être forcé ou choisi, court ou long, et se faire dans un pays ou d'un pays à l'autre. Il "
        "comprend la migration climatique, mais aussi des départs liés à d'autres changements de "
        "l'environnement.",
        {"migrations environnementales"}},
       {"migración ambiental",
        "El movimiento de personas causado sobre todo por cambios repentinos o lentos del medio ambiente, "
        "como inundaciones, sequías o el aumento del nivel del mar. Puede ser forzado o elegido, corto o "
        "largo, y darse dentro de un país o entre países. Incluye la migración climática, pero también "
        "salidas ligadas a otros cambios del medio ambiente.",
        {"migraciones ambientales", "migración por motivos ambientales"}},
       "Notion used in IOM's work on migration, environment and climate change; see the library for "
       "studies."},
      {"evacuation",
       {"evacuation",
        "Moving people quickly and for a short time from a dangerous place to a safer one, before, during "
        "or after a hazard such as a cyclone, flood or fire. Evacuations save the most lives when they are "
        "prepared in advance and people know where to go; people should be able to return home once it is "
        "safe.",
        {"evacuations"}},
       {"évacuation",
        "Le fait de conduire des personnes, vite et pour un temps, d'un lieu dangereux vers un lieu plus "
        "sûr, avant, pendant ou après un danger comme un cyclone, une inondation ou un incendie. Les "
        "évacuations sauvent le plus de vies quand elles sont préparées à l'avance et que chacun sait où "
        "aller ; les personnes doivent pouvoir rentrer chez elles une fois le danger passé.",
        {"évacuations"}},
       {"evacuación",
        "Trasladar a las personas, con rapidez y por poco tiempo, de un lugar peligroso a otro más seguro, "
        "antes, durante o después de una amenaza como un ciclón, una inundación o un incendio. Las "
        "evacuaciones salvan más vidas cuando se preparan con antelación y la gente sabe adónde ir; las "
        "personas deben poder volver a casa cuando ya no haya peligro.",
        {"evacuaciones"}},
       "Notion used in disaster risk reduction and humanitarian response, including camp coordination and "
       "camp management; see the library."},
      {"internally-displaced-person",
       {"internally displaced person",
        "Someone who has been forced to leave their home, for example because of conflict, violence or a "
        "disaster, but who has stayed inside their own country. Such persons are not refugees, and their "
        "own government remains responsible for protecting them.",
        {"internally displaced persons", "internally displaced people", "IDPs"}},
       {"personne déplacée interne",
        "Une personne forcée de quitter son foyer, par exemple à cause d'un conflit, de violences ou d'une "
        "catastrophe, mais qui est restée dans son propre pays. Elle n'est pas réfugiée, et c'est son "
        "propre gouvernement qui reste chargé de la protéger.",
        {"personnes déplacées internes", "déplacés internes", "PDI"}},
       {"persona desplazada interna",
        "Una persona que se ha visto obligada a dejar su hogar, por ejemplo por un conflicto, la violencia "
        "o un desastre, pero que se ha quedado dentro de su propio país. No es refugiada, y su propio "
        "gobierno sigue siendo responsable de protegerla.",
        {"personas desplazadas internas", "desplazados internos", "desplazadas internas"}},
       "Notion set out in the UN Guiding Principles on Internal Displacement and used by humanitarian "
       "agencies, including IOM; see the library."},
      {"land-degradation",
       {"land degradation",
        "The loss of the land's quality and productivity, for example when soil is washed or blown away, "
        "loses its nutrients, becomes salty or is polluted. It is caused by human activities and by the "
        "climate, and it makes it harder for people who live from the land to earn a living.",
        {"degraded land", "degraded lands"}},
       {"dégradation des terres",
        "La perte de qualité et de productivité des terres, par exemple quand le sol est emporté par l'eau "
        "ou le vent, s'appauvrit, devient salé ou est pollué. Elle vient des activités humaines et du "
        "climat, et elle rend la vie plus difficile à ceux qui vivent de la terre.",
        {"terres dégradées"}},
       {"degradación de la tierra",
        "La pérdida de calidad y productividad de la tierra, por ejemplo cuando el suelo es arrastrado por "
        "el agua o el viento, pierde sus nutrientes, se vuelve salado o se contamina. Se debe a "
        "actividades humanas y al clima, y hace más difícil la vida de quienes viven de la tierra.",
        {"degradación de las tierras", "tierras degradadas"}},
       "Notion discussed in the United Nations Convention to Combat Desertification (UNCCD) and in studies "
       "on land, livelihoods and migration; see the library."},
      {"loss-and-damage",
       {"loss and damage",
        "The harm caused by climate change that cutting emissions and adapting could not prevent, such as "
        "lost lives, homes, land, income or culture. In international climate talks, countries have agreed "
        "to create a fund to support the developing countries that are hit hardest.",
        {"losses and damages"}},
       {"pertes et préjudices",
        "Les dommages causés par le changement climatique que la réduction des émissions et l'adaptation "
        "n'ont pas pu empêcher, comme la perte de vies, de maisons, de terres, de revenus ou de culture. "
        "Dans les négociations sur le climat, les pays ont convenu de créer un fonds pour aider les pays "
        "en développement les plus touchés.",
        {"pertes et dommages"}},
       {"pérdidas y daños",
        "Los perjuicios causados por el cambio climático que la reducción de emisiones y la adaptación no "
        "han podido evitar, como la pérdida de vidas, viviendas, tierras, ingresos o cultura. En las "
        "negociaciones sobre el clima, los países han acordado crear un fondo para apoyar a los países en "
        "desarrollo más afectados.",
        {}},
       "Notion used in the UN climate negotiations (UNFCCC) and in studies on climate impacts and human "
       "mobility; see the library."},
      {"planned-relocation",
       {"planned relocation",
        "A process, organised with the people concerned, in which a community moves for good to a new "
        "place and rebuilds its life there because its land has become, or will become, too dangerous to "
        "live on. It is usually a last resort and should respect people's rights and wishes, for example "
        "by keeping the community together.",
        {"planned relocations"}},
       {"réinstallation planifiée",
        "Un processus, mené avec les personnes concernées, par lequel une communauté part pour toujours "
        "vers un nouveau lieu et y refait sa vie, parce que sa terre est devenue, ou va devenir, trop "
        "dangereuse pour y vivre. C'est en général un dernier recours, qui doit respecter les droits et "
        "les souhaits des personnes, par exemple en gardant la communauté unie.",
        {"réinstallations planifiées", "relocalisation planifiée"}},
       {"reubicación planificada",
        "Un proceso, llevado a cabo con las personas afectadas, por el que una comunidad se traslada para "
        "siempre a un nuevo lugar y rehace allí su vida, porque su tierra se ha vuelto, o se volverá, "
        "demasiado peligrosa para vivir. Suele ser un último recurso y debe respetar los derechos y los "
        "deseos de las personas, por ejemplo manteniendo unida a la comunidad.",
        {"reubicaciones planificadas"}},
       "Notion discussed in the work of IOM and UNHCR on disasters and climate change and in national "
       "relocation policies; see the library."},
      {"resilience",
       {"resilience",
        "The ability of a person, household, community or country to withstand a shock or a lasting "
        "strain, such as a disaster or a drought, to recover from it, and to adapt so as to be better "
        "prepared next time.",
        {}},
       {"résilience",
        "La capacité d'une personne, d'un ménage, d'une communauté ou d'un pays à résister à un choc ou à "
        "une pression durable, comme une catastrophe ou une sécheresse, à s'en remettre et à s'adapter "
        "pour être mieux préparé la fois suivante.",
        {}},
       {"resiliencia",
        "La capacidad de una persona, un hogar, una comunidad o un país para resistir un golpe o una "
        "presión duradera, como un desastre o una sequía, recuperarse y adaptarse para estar mejor "
        "preparado la próxima vez.",
        {}},
       "Notion used in disaster risk reduction, development and humanitarian work, including IOM's; see "
       "the library for studies."},
      {"sea-level-rise",
       {"sea-level rise",
        "The slow rise in the average level of the oceans, caused mainly by warming water, which takes up "
        "more space, and by melting glaciers and ice sheets. It brings flooding, erosion and salt water "
        "into soils and wells, and it threatens coasts and low-lying islands.",
        {"sea level rise", "rising sea levels", "rising seas"}},
       {"élévation du niveau de la mer",
        "La montée lente du niveau moyen des océans, due surtout au réchauffement de l'eau, qui prend plus "
        "de place, et à la fonte des glaciers et des calottes glaciaires. Elle entraîne des inondations, "
        "de l'érosion et de l'eau salée dans les sols et les puits, et menace les côtes et les îles "
        "basses.",
        {"hausse du niveau de la mer", "montée du niveau de la mer", "montée des eaux"}},
       {"aumento del nivel del mar",
        "La subida lenta del nivel medio de los océanos, causada sobre todo por el calentamiento del agua, "
        "que ocupa más espacio, y por el deshielo de glaciares y capas de hielo. Provoca inundaciones, "
        "erosión y entrada de agua salada en suelos y pozos, y amenaza las costas y las islas bajas.",
        {"subida del nivel del mar", "elevación del nivel del mar"}},
       "Notion described in climate science reports, such as those of the IPCC, and discussed in studies "
       "on coastal and island communities; see the library."},
      {"seasonal-migration",
       {"seasonal migration",
        "Moving away for part of the year and coming back regularly, often following the seasons, for "
        "example to find farm work after the harvest or water and pasture for animals in the dry season. "
        "It is an old way of coping with changes in the weather and the environment.",
        {"seasonal migrations"}},
       {"migration saisonnière",
        "Le fait de partir une partie de l'année et de revenir régulièrement, souvent au rythme des "
        "saisons, par exemple pour trouver du travail agricole après la récolte ou de l'eau et des "
        "pâturages pour les animaux pendant la saison sèche. C'est une façon ancienne de faire face aux "
        "variations du climat et de l'environnement.",
        {"migrations saisonnières"}},
       {"migración estacional",
        "Irse durante una parte del año y volver con regularidad, a menudo al ritmo de las estaciones, por "
        "ejemplo para encontrar trabajo agrícola después de la cosecha o agua y pastos para los animales "
        "en la estación seca. Es una forma antigua de hacer frente a los cambios del tiempo y del medio "
        "ambiente.",
        {"migraciones estacionales"}},
       "Notion used in studies on rural livelihoods, pastoralism and labour migration; see the library for "
       "studies."},
      {"slow-onset-event",
       {"slow-onset event",
        "A change in the environment that builds up gradually over years or decades, such as sea-level "
        "rise, rising temperatures, desertification or melting glaciers. Its effects grow slowly and can "
        "lead people to move little by little, often before the situation becomes an emergency.",
        {"slow-onset events", "slow-onset processes", "slow onset events"}},
       {"phénomène à évolution lente",
        "Un changement de l'environnement qui s'installe peu à peu sur des années ou des décennies, comme "
        "l'élévation du niveau de la mer, la hausse des températures, la désertification ou la fonte des "
        "glaciers. Ses effets s'accumulent lentement et peuvent pousser des personnes à partir petit à "
        "petit, souvent avant que la situation ne devienne une urgence.",
        {"phénomènes à évolution lente", "processus à évolution lente"}},
       {"fenómeno de evolución lenta",
        "Un cambio del medio ambiente que avanza poco a poco durante años o décadas, como el aumento del "
        "nivel del mar, la subida de las temperaturas, la desertificación o el deshielo de los glaciares. "
        "Sus efectos se acumulan lentamente y pueden llevar a las personas a irse poco a poco, a menudo "
        "antes de que la situación se convierta en una emergencia.",
        {"fenómenos de evolución lenta", "fenómeno de aparición lenta", "fenómenos de aparición lenta"}},
       "Notion used in the UN climate negotiations (UNFCCC) and in IOM's work on migration, environment "
       "and climate change; see the library."},
      {"sudden-onset-disaster",
       {"sudden-onset disaster",
        "A disaster that strikes quickly, often with little warning, such as a flood, storm, earthquake, "
        "landslide or wildfire. It can force many people to leave their homes at once, often for a short "
        "time but sometimes for years.",
        {"sudden-onset disasters", "sudden onset disaster", "sudden onset disasters"}},
       {"catastrophe soudaine",
        "Une catastrophe qui frappe vite, souvent presque sans prévenir, comme une inondation, une "
        "tempête, un séisme, un glissement de terrain ou un incendie. Elle peut forcer beaucoup de "
        "personnes à quitter leur logement en même temps, souvent pour peu de temps mais parfois pour des "
        "années.",
        {"catastrophes soudaines", "catastrophe à déclenchement soudain",
         "catastrophes à déclenchement soudain"}},
       {"desastre repentino",
        "Un desastre que golpea rápido, a menudo casi sin aviso, como una inundación, una tormenta, un "
        "terremoto, un deslizamiento de tierra o un incendio. Puede obligar a muchas personas a dejar su "
        "hogar a la vez, a menudo por poco tiempo pero a veces durante años.",
        {"desastres repentinos", "desastre de aparición súbita", "desastres de aparición súbita"}},
       "Notion used in disaster risk reduction and humanitarian response; see the library for studies."},
      {"trapped-populations",
       {"trapped populations",
        "People who live in places at high environmental risk but cannot move away, often because they "
        "lack money, contacts, information or good health. They can end up even more at risk than those "
        "who were able to leave.",
        {"trapped population", "trapped communities"}},
       {"populations piégées",
        "Des personnes qui vivent dans des lieux très exposés aux risques environnementaux mais ne peuvent "
        "pas en partir, souvent faute d'argent, de contacts, d'informations ou d'une bonne santé. Elles "
        "peuvent se retrouver encore plus en danger que celles qui ont pu partir.",
        {"population piégée"}},
       {"poblaciones atrapadas",
        "Personas que viven en lugares con un alto riesgo ambiental pero no pueden irse, a menudo por "
        "falta de dinero, contactos, información o buena salud. Pueden acabar en una situación aún más "
        "peligrosa que quienes sí pudieron marcharse.",
        {"población atrapada"}},
       "Notion discussed in research on migration and environmental change, notably the UK Foresight "
       "report Migration and Global Environmental Change (2011); see the library."},
  };
  return entries;
}

}  // namespace waymark::demo::atlas_data
