#include "domain/consultations/model.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <utility>

namespace waymark::consultations {
namespace {

template <typename E, std::size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, name] : table) {
    if (v == e) return name;
  }
  return "";
}

template <typename E, std::size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [v, name] : table) {
    if (name == s) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<ConsultationStatus, std::string_view>, 3> kConsultationStatuses{{
    {ConsultationStatus::kPlanned, "planned"},
    {ConsultationStatus::kHeld, "held"},
    {ConsultationStatus::kReportPublished, "report_published"},
}};
constexpr std::array<std::pair<SessionType, std::string_view>, 4> kSessionTypes{{
    {SessionType::kPlenary, "plenary"},
    {SessionType::kPanel, "panel"},
    {SessionType::kBreakout, "breakout"},
    {SessionType::kInteractive, "interactive"},
}};
constexpr std::array<std::pair<PointStatus, std::string_view>, 5> kPointStatusNames{{
    {PointStatus::kOpen, "open"},
    {PointStatus::kInProgress, "in_progress"},
    {PointStatus::kDone, "done"},
    {PointStatus::kDropped, "dropped"},
    {PointStatus::kCarriedOver, "carried_over"},
}};
constexpr std::array<std::pair<OwnerKind, std::string_view>, 3> kOwnerKinds{{
    {OwnerKind::kIom, "iom"},
    {OwnerKind::kOrganisation, "organisation"},
    {OwnerKind::kAllCsos, "all_csos"},
}};
constexpr std::array<std::pair<LinkKind, std::string_view>, 6> kLinkKinds{{
    {LinkKind::kCampaign, "campaign"},
    {LinkKind::kWorkingGroup, "working_group"},
    {LinkKind::kThread, "thread"},
    {LinkKind::kPractice, "practice"},
    {LinkKind::kLibraryItem, "library_item"},
    {LinkKind::kEvidenceQuery, "evidence_query"},
}};
constexpr std::array<std::pair<RegistrationState, std::string_view>, 3> kRegistrationStates{{
    {RegistrationState::kConfirmed, "confirmed"},
    {RegistrationState::kWaitlisted, "waitlisted"},
    {RegistrationState::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<DocumentKind, std::string_view>, 3> kDocumentKinds{{
    {DocumentKind::kReport, "report"},
    {DocumentKind::kAgenda, "agenda"},
    {DocumentKind::kOther, "other"},
}};

bool Digits(std::string_view s, std::size_t from, std::size_t n, int& out) {
  if (from + n > s.size()) return false;
  auto [ptr, ec] = std::from_chars(s.data() + from, s.data() + from + n, out);
  return ec == std::errc() && ptr == s.data() + from + n;
}

bool Closed(PointStatus s) {
  return s == PointStatus::kDone || s == PointStatus::kDropped || s == PointStatus::kCarriedOver;
}

}  // namespace

const std::string& Pick(const Localized& texts, std::string_view lang) {
  static const std::string kEmpty;
  for (std::string_view l : {lang, std::string_view("en")}) {
    auto it = texts.find(std::string(l));
    if (it != texts.end() && !it->second.empty()) return it->second;
  }
  for (const auto& [l, t] : texts) {
    if (!t.empty()) return t;
  }
  return kEmpty;
}

std::string_view ToString(ConsultationStatus s) { return NameOf(kConsultationStatuses, s); }
std::optional<ConsultationStatus> ParseConsultationStatus(std::string_view s) {
  return Parse(kConsultationStatuses, s);
}
std::string_view ToString(SessionType t) { return NameOf(kSessionTypes, t); }
std::optional<SessionType> ParseSessionType(std::string_view s) { return Parse(kSessionTypes, s); }
std::string_view ToString(PointStatus s) { return NameOf(kPointStatusNames, s); }
std::optional<PointStatus> ParsePointStatus(std::string_view s) { return Parse(kPointStatusNames, s); }
std::string_view ToString(OwnerKind k) { return NameOf(kOwnerKinds, k); }
std::optional<OwnerKind> ParseOwnerKind(std::string_view s) { return Parse(kOwnerKinds, s); }
std::string_view ToString(LinkKind k) { return NameOf(kLinkKinds, k); }
std::optional<LinkKind> ParseLinkKind(std::string_view s) { return Parse(kLinkKinds, s); }
std::string_view ToString(DocumentKind k) { return NameOf(kDocumentKinds, k); }
std::optional<DocumentKind> ParseDocumentKind(std::string_view s) { return Parse(kDocumentKinds, s); }
std::string_view ToString(RegistrationState s) { return NameOf(kRegistrationStates, s); }
std::optional<RegistrationState> ParseRegistrationState(std::string_view s) {
  return Parse(kRegistrationStates, s);
}

bool TransitionAllowed(PointStatus from, PointStatus to) {
  using enum PointStatus;
  if (from == to || to == kCarriedOver || from == kCarriedOver) return false;
  switch (from) {
    case kOpen:
    case kInProgress: return true;
    case kDone: return to == kInProgress;
    case kDropped: return to == kOpen;
    case kCarriedOver: return false;
  }
  return false;
}

bool IsOverdue(const ActionPoint& p, std::string_view today) {
  return !p.target_date.empty() && !Closed(p.status) && p.target_date < today;
}

int WeightedProgress(const ActionPoint& p, const std::map<Id, std::vector<ActionPoint>>& children_of) {
  if (p.status == PointStatus::kDone) return 100;
  auto it = children_of.find(p.id);
  if (it == children_of.end() || it->second.empty()) return std::clamp(p.progress, 0, 100);
  long long sum = 0;
  long long weights = 0;
  for (const auto& c : it->second) {
    if (c.status == PointStatus::kDropped || c.weight <= 0) continue;
    sum += static_cast<long long>(c.weight) * WeightedProgress(c, children_of);
    weights += c.weight;
  }
  if (weights == 0) return std::clamp(p.progress, 0, 100);
  return static_cast<int>(sum / weights);
}

TrackerSummary Summarise(const std::vector<ActionPoint>& points, std::string_view today) {
  TrackerSummary s;
  for (const auto& p : points) {
    if (p.parent_id) continue;
    ++s.total;
    ++s.by_status[p.status];
    if (IsOverdue(p, today)) ++s.overdue;
    if (p.consultation_year != 0 && (s.since_year == 0 || p.consultation_year < s.since_year))
      s.since_year = p.consultation_year;
  }
  return s;
}

bool NumberLess(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    if (a.empty() || b.empty()) return a.empty() && !b.empty();
    std::string_view pa = a.substr(0, a.find('.'));
    std::string_view pb = b.substr(0, b.find('.'));
    bool da = !pa.empty() && pa.find_first_not_of("0123456789") == std::string_view::npos;
    bool db = !pb.empty() && pb.find_first_not_of("0123456789") == std::string_view::npos;
    if (da && db && pa.size() != pb.size()) {
      // Leading zeros aside, the longer number is the larger.
      auto strip = [](std::string_view v) { return v.substr(std::min(v.find_first_not_of('0'), v.size())); };
      std::string_view sa = strip(pa), sb = strip(pb);
      if (sa.size() != sb.size()) return sa.size() < sb.size();
      if (sa != sb) return sa < sb;
    } else if (pa != pb) {
      return pa < pb;
    }
    a.remove_prefix(std::min(a.size(), pa.size() + 1));
    b.remove_prefix(std::min(b.size(), pb.size() + 1));
  }
  return false;
}

bool IsDate(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) || !Digits(s, 8, 2, d)) return false;
  using namespace std::chrono;
  return year_month_day{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}}.ok();
}

bool IsLocalDateTime(std::string_view s) {
  int h = 0, mi = 0;
  if (s.size() != 16 || s[10] != 'T' || s[13] != ':') return false;
  return IsDate(s.substr(0, 10)) && Digits(s, 11, 2, h) && Digits(s, 14, 2, mi) && h < 24 && mi < 60;
}

bool IsZoneName(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '/' || s.back() == '/') return false;
  if (s.find("..") != std::string_view::npos || s.find("//") != std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
}

}  // namespace waymark::consultations
