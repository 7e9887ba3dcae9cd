use super::*;

#[test]
fn day_arithmetic_round_trips() {
    for d in [-1000, 0, 1, 59, 365, 10_957, 18_000, 20_000, 47_000] {
        assert_eq!(Day::from_days(d).days(), d);
    }
    assert_eq!(Day::new(1970, 1, 1).map(Day::days), Some(0));
    assert_eq!(Day::new(2000, 3, 1).map(Day::days), Some(11_017));
    assert!(Day::new(2021, 2, 29).is_none());
    assert!(Day::new(2020, 2, 29).is_some());
}

#[test]
fn date_orders_settled_by_the_column() {
    // Only the 25th tells day from month; newest-first order settles the rest.
    assert_eq!(
        settle_order(&["3/4/21", "25/3/21", "2/3/21"]),
        Some(DateOrder::Dmy)
    );
    assert_eq!(
        settle_order(&["3/25/21", "3/4/21", "2/3/21"]),
        Some(DateOrder::Mdy)
    );
    assert_eq!(settle_order(&["2019/05/27"]), Some(DateOrder::Ymd));
    assert_eq!(
        settle_order(&["21. 9. 25.", "21. 9. 3."]),
        Some(DateOrder::Ymd)
    );
    assert_eq!(
        settle_order(&["25.09.2021", "3.9.2021"]),
        Some(DateOrder::Dmy)
    );
    // dd-mm-yy against yy-mm-dd: 2004 is before Netflix streamed.
    assert_eq!(
        settle_order(&["23-08-16", "02-08-16", "28-07-16"]),
        Some(DateOrder::Dmy)
    );
    assert_eq!(settle_order(&["nope"]), None);
}
