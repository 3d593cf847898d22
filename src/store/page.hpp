#pragma once
// Keyset pagination helper: queries ask for limit+1 rows; the extra row only says more follow.

#include <functional>

#include "epcfleet/store/database.hpp"
#include "epcfleet/store/records.hpp"

namespace epcfleet::store::detail {

template <typename T, typename Convert, typename Key>
Page<T> paginate(const std::vector<Row>& rows, std::size_t limit, Convert convert, Key key) {
  Page<T> page;
  for (std::size_t i = 0; i < rows.size() && i < limit; ++i)
    page.items.push_back(convert(rows[i]));
  if (rows.size() > limit && !page.items.empty())
    page.next_cursor = key(page.items.back());
  return page;
}

}  // namespace epcfleet::store::detail
