// DigestService: the daily or weekly e-mail of unread-by-mail notifications.
#include <utility>

#include "domain/exchange/exchange_service.h"

namespace waymark::exchange {
namespace {

constexpr TimestampMs kDay = 24LL * 60 * 60 * 1000;
constexpr int kMaxItems = 200;  // per e-mail; the rest go in the next one

}  // namespace

Result<int> DigestService::SendDue() {
  const TimestampMs now = clock_.NowMs();
  int sent = 0;
  for (auto [frequency, period] :
       {std::pair{DigestFrequency::kDaily, kDay}, std::pair{DigestFrequency::kWeekly, 7 * kDay}}) {
    WM_ASSIGN_OR_RETURN(std::vector<Id> due, notifications_.DigestsDue(frequency, now - period));
    for (Id user_id : due) {
      WM_ASSIGN_OR_RETURN(std::vector<Notification> items, notifications_.Unemailed(user_id, kMaxItems));
      if (items.empty()) continue;
      auto user = accounts_.users->FindById(user_id);
      if (!user.ok()) {
        if (user.status().IsNotFound()) continue;
        return user.status();
      }
      Email email = render_(*user, items);
      if (email.to.empty()) email.to = user->email;
      // A failed send leaves everything as it was, for the next run; the
      // other users still get theirs.
      if (!mailer_.Send(email).ok()) continue;
      std::vector<Id> ids;
      ids.reserve(items.size());
      for (const Notification& n : items) ids.push_back(n.id);
      WM_RETURN_IF_ERROR(notifications_.MarkEmailed(ids));
      WM_RETURN_IF_ERROR(notifications_.MarkDigestSent(user_id, now));
      ++sent;
    }
  }
  return sent;
}

}  // namespace waymark::exchange
