#include "web/openapi.h"

#include <utility>

namespace waymark::web::openapi {

json Ref(const std::string& name) { return json{{"$ref", "#/components/schemas/" + name}}; }
json Str() { return json{{"type", "string"}}; }
json Int() { return json{{"type", "integer"}}; }
json Bool() { return json{{"type", "boolean"}}; }
json Arr(json items) { return json{{"type", "array"}, {"items", std::move(items)}}; }
json NullableStr() { return json{{"type", "string"}, {"nullable", true}}; }
json ByLang() {
  return json{{"type", "object"},
              {"description", "Text by language: en, fr, es"},
              {"properties", {{"en", Str()}, {"fr", Str()}, {"es", Str()}}},
              {"additionalProperties", false}};
}

json JsonContent(json schema) { return json{{"application/json", {{"schema", std::move(schema)}}}}; }
json Resp(const std::string& description, json schema) {
  json r = {{"description", description}};
  if (!schema.is_null()) r["content"] = JsonContent(std::move(schema));
  return r;
}
json ErrResp(const std::string& description) { return Resp(description, Ref("Error")); }

json PathParam(const std::string& name, const std::string& description, json schema) {
  return json{
      {"name", name}, {"in", "path"}, {"required", true}, {"description", description}, {"schema", schema}};
}
json QueryParam(const std::string& name, const std::string& description, json schema) {
  return json{
      {"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", schema}};
}
json ListQuery(const std::string& name, const std::string& description) {
  return json{
      {"name", name},        {"in", "query"},
      {"required", false},   {"style", "form"},
      {"explode", true},     {"description", description + " Repeat the parameter or give a comma list."},
      {"schema", Arr(Str())}};
}
json IfMatchHeader(bool required) {
  return json{{"name", "If-Match"},
              {"in", "header"},
              {"required", required},
              {"description", "The ETag from the last GET, like \"3\"; a stale one gets 409."},
              {"schema", Str()}};
}

json Op(const std::string& id, const std::string& summary, const std::string& tag, json responses,
        json parameters, json body, bool auth) {
  json op = {
      {"operationId", id}, {"summary", summary}, {"tags", json::array({tag})}, {"responses", responses}};
  if (!parameters.empty()) op["parameters"] = parameters;
  if (!body.is_null()) op["requestBody"] = body;
  if (auth) {
    op["security"] =
        json::array({json{{"bearerAuth", json::array()}}, json{{"sessionCookie", json::array()}}});
    op["responses"]["401"] = ErrResp("Not signed in");
    op["responses"]["403"] = ErrResp("Not allowed");
  }
  op["responses"]["default"] = ErrResp("An error: {\"error\": {\"code\", \"message\", \"fields\"}}");
  return op;
}

json JsonBody(json schema, bool required) {
  return json{{"required", required}, {"content", JsonContent(std::move(schema))}};
}
json PagingParams() {
  return json::array(
      {QueryParam("page", "Page, from 1", Int()), QueryParam("per_page", "Items a page, 1-100", Int())});
}

json Document(const std::vector<OpenApiPart>& parts) {
  json tags = json::array();
  json paths = json::object();
  json schemas = json::object();
  for (const auto& part : parts) {
    for (const auto& t : part.tags) tags.push_back(json{{"name", t}});
    for (const auto& [path, item] : part.paths.items()) {
      for (const auto& [method, op] : item.items()) paths[path][method] = op;
    }
    for (const auto& [name, schema] : part.schemas.items()) schemas[name] = schema;
  }
  schemas["Error"] = {{"type", "object"},
                      {"required", {"error"}},
                      {"properties",
                       {{"error",
                         {{"type", "object"},
                          {"required", {"code", "message"}},
                          {"properties",
                           {{"code", Str()},
                            {"message", Str()},
                            {"fields", {{"type", "object"}, {"additionalProperties", Str()}}}}}}}}}};
  paths["/api/v1/openapi.json"]["get"] =
      Op("openapi", "This document", "meta", {{"200", Resp("OpenAPI 3.0", {{"type", "object"}})}});
  tags.push_back(json{{"name", "meta"}});

  return json{
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Waymark API"},
        {"version", "1.0.0"},
        {"description",
         "Campaigns database and idea exchange. Errors are {\"error\": {\"code\", \"message\", \"fields\"}}. "
         "Writes with a browser session need X-CSRF-Token; API tokens go in Authorization: Bearer."}}},
      {"servers", json::array({json{{"url", "/"}}})},
      {"tags", tags},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}},
          {"sessionCookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "wm_session"}}}}}}}};
}

}  // namespace waymark::web::openapi
