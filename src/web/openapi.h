// The OpenAPI 3.0 document of /api/v1: builders that keep the shapes
// consistent, and the assembly of the modules' parts (module.h, OpenApiPart)
// into one document, served at /api/v1/openapi.json.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "web/module.h"

namespace waymark::web::openapi {

using nlohmann::json;

json Ref(const std::string& name);  // #/components/schemas/<name>
json Str();
json Int();
json Bool();
json Arr(json items);
json NullableStr();
json ByLang();  // {en, fr, es} strings
json JsonContent(json schema);
json Resp(const std::string& description, json schema = nullptr);
json ErrResp(const std::string& description);
json PathParam(const std::string& name, const std::string& description, json schema = Str());
json QueryParam(const std::string& name, const std::string& description, json schema = Str());
json ListQuery(const std::string& name, const std::string& description);
json IfMatchHeader(bool required);
// An operation with the errors every call can give (and 401/403 with `auth`).
json Op(const std::string& id, const std::string& summary, const std::string& tag, json responses,
        json parameters = json::array(), json body = nullptr, bool auth = false);
json JsonBody(json schema, bool required = true);
// ?page= and ?per_page= of a list.
json PagingParams();

// The whole document: info, the modules' tags, paths and schemas (in the
// modules' order), the shared Error schema and the security schemes.
json Document(const std::vector<OpenApiPart>& parts);

}  // namespace waymark::web::openapi
