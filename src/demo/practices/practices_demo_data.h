// Demo data of the practices module, as plain values: a dozen effective
// practices to protect migrants caught in crises, invented and written in our
// own words, spread over the three phases, the three crisis types and the
// three languages. Classification codes come from practices::SeedTerms();
// organisation slugs from the accounts demo.
#pragma once

#include <string>
#include <vector>

#include "domain/practices/model.h"

namespace waymark::demo {

struct DemoPractice {
  // Texts, places, dates, classification, contacts, links, licence,
  // sensitivity flags, generalised location, and the lead's name and actor
  // kind. Ids, lifecycle, version and timestamps are left unset.
  //
  // practice.partners lists every partner with its actor kind, in order. A
  // registered partner carries its slug (also in partner_org_slugs) and its
  // name, with org_id unset for the loader to fill in; a free-text partner
  // has an empty slug. A registered lead carries its slug too.
  practices::Practice practice;
  // A demo organisation's slug, or "" for an anonymous contribution (then
  // practice.lead.name is a free-text organisation and practice.contributor
  // has a name and an e-mail at example.org).
  std::string lead_org_slug;
  std::vector<std::string> partner_org_slugs;  // demo organisation slugs
  bool publish = true;                         // false: left waiting in the moderation queue
  struct Adoption {
    std::string org_slug;
    std::string country;  // alpha-3
    std::string start_date;
    std::string results;  // Markdown, in `lang`
    std::string lang;
  };
  std::vector<Adoption> adoptions;  // "we did this too"
};

// Built once; the order is the order in which they should be added.
const std::vector<DemoPractice>& DemoPractices();

}  // namespace waymark::demo
