#include "demo/futures/futures_demo.h"

#include <string>
#include <vector>

namespace waymark::demo {
namespace {

struct DemoStatement {
  const char* area;
  const char* group;
  const char* kind;
  const char* text;
  const char* drivers;
  const char* signals;
};

const std::vector<DemoStatement>& Statements() {
  static const std::vector<DemoStatement> kStatements = {
      {"conflict_security", "A", "predicted",
       "Protracted conflicts keep people displaced for a generation, mostly inside their own countries.",
       "Fragile states; wars without settlement", "Average length of displacement rising year after year"},
      {"conflict_security", "B", "preferred",
       "People fleeing violence find safe, legal routes, so that no one has to risk a sea crossing.",
       "Resettlement and humanitarian visas at scale", "More countries offering humanitarian corridors"},
      {"technology", "A", "predicted",
       "Phones are the first tool of every journey: maps, money transfers and news from those who went "
       "before.",
       "Cheap smartphones and data", "Migrants' groups organised on messaging apps"},
      {"technology", "B", "preferred",
       "Migrants hold their own digital records (diplomas, health, identity) and decide who sees them.",
       "Portable digital identity; data protection law", "Pilot projects of refugee-held credentials"},
      {"prosperity_poverty", "A", "predicted",
       "Remittances remain larger than aid and investment together for many countries of origin.",
       "Wage gaps between regions", "Falling cost of sending money"},
      {"prosperity_poverty", "B", "preferred",
       "Migrant workers are recruited without fees and their skills are recognised where they arrive.",
       "Fair recruitment standards", "Employers signing up to the employer-pays principle"},
      {"socio_cultural", "A", "predicted",
       "Public opinion on migration stays divided, swinging with elections and with what the media show.",
       "Polarised politics; social media", "Campaigns such as \"I am a Migrant\" spreading to new countries"},
      {"socio_cultural", "B", "preferred",
       "Migrants speak for themselves in the media and in local politics, as neighbours and voters.",
       "Local voting rights; migrant-led organisations", "Migrants standing in local elections"},
      {"governance", "A", "predicted",
       "Environmental change becomes a recognised driver of movement, but without a legal status of its own.",
       "Climate change; slow-onset disasters", "Disaster displacement in national plans"},
      {"governance", "B", "preferred",
       "Cities, states and civil society plan migration together, with migrants at the table.",
       "Global compacts; city networks", "Consultations whose action points are followed until done"},
  };
  return kStatements;
}

struct DemoParticipant {
  const char* email;
  const char* name;  // invented
};

const std::vector<DemoParticipant>& Participants() {
  static const std::vector<DemoParticipant> kPeople = {
      {"futures1@demo.waymark.example", "Amina Diallo"},
      {"futures2@demo.waymark.example", "Lucía Fernández"},
      {"futures3@demo.waymark.example", "Karim Benali"},
      {"futures4@demo.waymark.example", "Sofia Papadaki"},
      {"futures5@demo.waymark.example", "Jonas Lindqvist"},
      {"futures6@demo.waymark.example", "Grace Mwangi"},
      {"futures7@demo.waymark.example", "Rafael Ortiz"},
  };
  return kPeople;
}

}  // namespace

Result<int> LoadFutures(accounts::AccountService& accounts, futures::FuturesService& futures,
                        consultations::ConsultationService& consultations, Random& random) {
  auto existing = futures.FindWorkshop("migration-futures-2015");
  if (existing.ok()) return 0;
  if (!existing.status().IsNotFound()) return existing.status();
  accounts::Actor system = accounts::Actor::System();

  std::vector<accounts::Actor> people;
  for (const auto& p : Participants()) {
    auto user = accounts.FindUserByEmail(p.email);
    if (!user.ok()) {
      if (!user.status().IsNotFound()) return user.status();
      accounts::UserInput in;
      in.email = p.email;
      in.name = p.name;
      in.locale = "en";
      in.password = random.Password(16);
      in.must_change_password = true;
      auto created = accounts.CreateUser(system, in);
      if (!created.ok()) return created.status().WithContext(std::string("demo participant ") + p.email);
      user = accounts.FindUserByEmail(p.email);
      if (!user.ok()) return user.status();
    }
    people.push_back(accounts::Actor::ForUser(*user, ""));
  }

  futures::WorkshopInput in;
  in.slug = "migration-futures-2015";
  in.title = "Migration futures 2015: predicted and preferred futures";
  in.horizon_year = "2045";
  in.groups = {"A", "B"};
  in.vote_budget = "5";
  auto c = consultations.FindConsultation("2015");
  if (c.ok()) {
    in.consultation = std::to_string(c->id);
    for (const auto& s : c->sessions) {
      if (s.type == consultations::SessionType::kInteractive) in.session_id = std::to_string(s.id);
    }
  } else if (!c.status().IsNotFound()) {
    return c.status();
  }
  WM_ASSIGN_OR_RETURN(futures::Workshop w, futures.CreateWorkshop(system, in));

  std::vector<futures::Statement> made;
  for (std::size_t i = 0; i < Statements().size(); ++i) {
    const auto& d = Statements()[i];
    futures::StatementInput si{d.area, d.group, d.kind, d.text, d.drivers, d.signals};
    WM_ASSIGN_OR_RETURN(futures::Statement s, futures.AddStatement(people[i % people.size()], w.id, si));
    made.push_back(s);
  }
  WM_RETURN_IF_ERROR(futures.SetPhase(system, w.id, "rating").status());
  for (std::size_t p = 0; p < people.size(); ++p) {
    for (std::size_t i = 0; i < made.size(); ++i) {
      // Plausible spread: each person leans a little differently.
      int l = 1 + static_cast<int>((i * 3 + p * 2 + (made[i].group == "A" ? 5 : 1)) % 5);
      int d = 1 + static_cast<int>((i * 2 + p + (made[i].kind == futures::Kind::kPreferred ? 7 : 3)) % 5);
      WM_RETURN_IF_ERROR(
          futures.Rate(people[p], w.id, made[i].id, std::to_string(l), std::to_string(d)).status());
    }
  }
  WM_RETURN_IF_ERROR(futures.SetPhase(system, w.id, "voting").status());
  // Votes gather on a few statements, as they do in a room.
  const std::vector<std::size_t> favourites = {1, 7, 9, 5, 3};
  for (std::size_t p = 0; p < people.size(); ++p) {
    for (int v = 0; v < 4; ++v) {
      std::size_t pick = favourites[(p + static_cast<std::size_t>(v) * (v + 1) / 2) % favourites.size()];
      WM_RETURN_IF_ERROR(futures.AddVote(people[p], w.id, made[pick].id).status());
    }
  }
  WM_RETURN_IF_ERROR(futures.SetPhase(system, w.id, "closed").status());
  // No action point is made here: the 2015 consultation keeps its seven, and
  // the act-now list's button is left for a facilitator to try.
  return static_cast<int>(made.size());
}

}  // namespace waymark::demo
