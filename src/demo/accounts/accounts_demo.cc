#include "demo/accounts/accounts_demo.h"

#include <vector>

namespace waymark::demo {
namespace {

struct DemoOrg {
  const char* slug;
  const char* name;
  const char* acronym;
  const char* kind;
  const char* country;
  const char* website;
};

// Names of organisations only, as listed in the 2015 consultation report.
const std::vector<DemoOrg>& DemoOrganisations() {
  static const std::vector<DemoOrg> orgs = {
      {"iom", "International Organization for Migration", "IOM", "iom", "CHE", "https://www.iom.int"},
      {"aea", "Aide et Action International", "", "cso", "CHE", ""},
      {"avrr", "Assistance for a Voluntary Return and Reintegration of African Migrants", "",
       "migrant_association", "", ""},
      {"caritas", "Caritas Internationalis", "", "cso", "VAT", ""},
      {"chi", "Child Helpline International", "", "cso", "NLD", ""},
      {"coin", "Climate Outreach & Information Network", "COIN", "cso", "GBR", ""},
      {"drc", "Danish Refugee Council", "DRC", "cso", "DNK", ""},
      {"gcm", "Global Coalition on Migration", "GCM", "cso", "", ""},
      {"gmpa", "Global Migration Policy Associates", "GMPA", "research", "CHE", ""},
      {"icmc", "International Catholic Migration Commission", "ICMC", "cso", "CHE", ""},
      {"icrc", "International Committee of the Red Cross", "ICRC", "other", "CHE", ""},
      {"icva", "International Council of Voluntary Agencies", "ICVA", "cso", "CHE", ""},
      {"idmc", "Internal Displacement Monitoring Centre / Norwegian Refugee Council", "IDMC", "research",
       "CHE", ""},
      {"ieda", "IEDA Relief", "", "cso", "", ""},
      {"icj", "International Commission of Jurists", "ICJ", "cso", "CHE", ""},
      {"iss", "International Social Service", "ISS", "cso", "CHE", ""},
      {"intersos", "INTERSOS", "", "cso", "ITA", ""},
      {"iiro", "International Islamic Relief Organization", "IIRO", "cso", "SAU", ""},
      {"jcwi", "Joint Council for the Welfare of Immigrants", "JCWI", "cso", "GBR", ""},
      {"jed", "Jeunesse en Détresse", "", "cso", "", ""},
      {"lwf", "Lutheran World Federation", "LWF", "cso", "CHE", ""},
      {"migranthelp", "Migrant Help", "", "cso", "GBR", ""},
      {"ngocm", "NGO Committee on Migration", "", "cso", "USA", ""},
      {"nrc", "Norwegian Refugee Council", "NRC", "cso", "NOR", ""},
      {"psi", "Public Services International", "PSI", "trade_union", "FRA", ""},
      {"quno", "Quaker United Nations Office", "QUNO", "cso", "CHE", ""},
      {"ret", "Foundation for the Refugee Education Trust", "RET International", "cso", "CHE", ""},
      {"sci", "Save the Children International", "", "cso", "GBR", ""},
      {"sad", "Swiss Academy for Development", "SAD", "research", "CHE", ""},
      {"ssiss", "Swiss Foundation of the International Social Service", "", "cso", "CHE", ""},
      {"shi", "Swiss Health Invest", "", "other", "CHE", ""},
      {"tdh", "Terre des Hommes", "", "cso", "CHE", ""},
      {"unhcr", "UNHCR, the UN Refugee Agency", "UNHCR", "other", "CHE", ""},
      {"wvi", "World Vision International", "", "cso", "", ""},
  };
  return orgs;
}

struct DemoPerson {
  const char* email;
  const char* name;  // invented
  const char* locale;
  bool admin;
  const char* org;
  const char* role;
};

const std::vector<DemoPerson>& DemoPeople() {
  static const std::vector<DemoPerson> people = {
      {"admin@demo.waymark.example", "Nadia Haddad", "en", true, "iom", "moderator"},
      {"editor@demo.waymark.example", "Tomás Ruiz", "es", false, "jcwi", "editor"},
      {"member@demo.waymark.example", "Chidi Eze", "fr", false, "drc", "member"},
  };
  return people;
}

}  // namespace

Result<AccountsReport> LoadAccounts(accounts::AccountService& accounts, Random& random) {
  accounts::Actor system = accounts::Actor::System();
  AccountsReport report;
  for (const auto& o : DemoOrganisations()) {
    auto existing = accounts.GetOrganisation(o.slug);
    if (existing.ok()) continue;
    if (!existing.status().IsNotFound()) return existing.status();
    accounts::OrganisationInput in;
    in.slug = o.slug;
    in.name = o.name;
    in.acronym = o.acronym;
    in.kind = o.kind;
    in.country = o.country;
    in.website = o.website;
    in.description = std::string("Took part in the IOM–CSO Consultations, Geneva, 18 September 2015.");
    auto created = accounts.CreateOrganisation(system, in);
    if (!created.ok()) return created.status().WithContext(std::string("demo organisation ") + o.slug);
    ++report.organisations_added;
  }
  for (const auto& p : DemoPeople()) {
    auto existing = accounts.FindUserByEmail(p.email);
    accounts::Id id = 0;
    bool must_change = true;
    if (existing.ok()) {
      id = existing->id;
      must_change = existing->must_change_password;
    } else if (existing.status().IsNotFound()) {
      accounts::UserInput in;
      in.email = p.email;
      in.name = p.name;
      in.locale = p.locale;
      in.is_admin = p.admin;
      in.password = random.Password(16);
      in.must_change_password = true;
      auto created = accounts.CreateUser(system, in);
      if (!created.ok()) return created.status().WithContext(std::string("demo person ") + p.email);
      id = created->id;
      ++report.people_added;
      WM_RETURN_IF_ERROR(accounts.SetMembership(system, id, p.org, p.role));
    } else {
      return existing.status();
    }
    if (p.admin) {
      report.admin_email = p.email;
      // Until the admin picks a password, each start hands out a new one-time one.
      if (must_change) {
        report.admin_password = random.Password(16);
        WM_RETURN_IF_ERROR(accounts.ResetPassword(system, id, report.admin_password, true));
      }
    }
  }
  return report;
}

}  // namespace waymark::demo
