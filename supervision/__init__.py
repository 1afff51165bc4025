"""Supervising the bodies below: 挂牌督办, the board of lower bodies, 回头看 by sampling."""
