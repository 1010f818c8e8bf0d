// The modules of the web layer, wired to the runtime's services. Adding a
// module to Waymark adds one line to WebModules (see docs/architecture.md,
// "Adding a module").
#pragma once

#include <memory>
#include <vector>

#include "app/runtime.h"
#include "web/module.h"
#include "web/site.h"

namespace waymark::app {

// In the order of the OpenAPI tags (navigation entries have their own ranks).
std::vector<std::unique_ptr<web::Module>> WebModules(web::Site& site, Runtime& runtime);

}  // namespace waymark::app
