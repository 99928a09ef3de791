// A deliberate upward include: the layering check must reject this tree.
#include "io/config.hpp"
