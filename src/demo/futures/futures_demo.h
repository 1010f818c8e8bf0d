// Demo data of the futures module: the 2015 consultation's migration-futures
// session as a closed workshop linked to that consultation's interactive
// session, with the report's five areas, two breakout groups, a few
// predicted and preferred statements per area (in our own words), and the
// ratings and votes of seven demo participants, so that the results, the
// plot and the act-now list show (the small-group rule needs five people
// per group). Needs the accounts and consultations demos. Idempotent:
// nothing is added when the workshop "migration-futures-2015" exists.
#pragma once

#include "core/random.h"
#include "core/status.h"
#include "domain/accounts/account_service.h"
#include "domain/consultations/consultation_service.h"
#include "domain/futures/futures_service.h"

namespace waymark::demo {

// Returns how many statements were added.
Result<int> LoadFutures(accounts::AccountService& accounts, futures::FuturesService& futures,
                        consultations::ConsultationService& consultations, Random& random);

}  // namespace waymark::demo
